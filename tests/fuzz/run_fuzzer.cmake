# ctest driver for fuzz-unikernel: fuzz a fresh copy of the seed corpus in
# the build tree (new inputs land there, never in the sources) and fail on
# any crash, sanitizer report or broken promise.
# Inputs: FUZZER, SEEDS, WORK, ARTIFACTS, SECONDS.
file(REMOVE_RECURSE ${WORK})
file(COPY ${SEEDS}/ DESTINATION ${WORK})
file(MAKE_DIRECTORY ${ARTIFACTS})
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -print_final_stats=1 -artifact_prefix=${ARTIFACTS}/ ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz-unikernel failed (exit ${rc}); the input that triggered it is in ${ARTIFACTS}")
endif()
