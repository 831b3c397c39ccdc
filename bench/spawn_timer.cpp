// Start-to-exit time of two commands, run alternately (A B, B A, A B ...) so
// that drift of this shared machine hits both alike. Both get stdout on
// /dev/null; a run that does not exit 0 fails the benchmark.
//
// usage: bench-spawn-timer RUNS WARMUP CMD_A [ARGS...] -- CMD_B [ARGS...]
// Prints "result {a,b}_{median,mean,min}_us X" on stderr, like the guests.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

namespace {

[[noreturn]] void die(const char* what, const char* cmd) {
    std::fprintf(stderr, "bench-spawn-timer: %s: %s\n", cmd, what);
    std::exit(1);
}

double now_us() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double run_once(std::vector<char*>& argv, const posix_spawn_file_actions_t* actions) {
    double t0 = now_us();
    pid_t pid;
    if (posix_spawn(&pid, argv[0], actions, nullptr, argv.data(), environ) != 0) die("cannot run", argv[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid) die("waitpid failed", argv[0]);
    double t = now_us() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("did not exit 0", argv[0]);
    return t;
}

void report(const char* side, std::vector<double> t) {
    std::sort(t.begin(), t.end());
    double median = t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
    double mean = std::accumulate(t.begin(), t.end(), 0.0) / t.size();
    std::fprintf(stderr, "result %s_median_us %.1f\nresult %s_mean_us %.1f\nresult %s_min_us %.1f\n", side, median, side,
                mean, side, t.front());
}

}  // namespace

int main(int argc, char** argv) {
    char** sep = std::find_if(argv + 3, argv + argc, [](char* a) { return std::strcmp(a, "--") == 0; });
    if (argc < 6 || sep == argv + 3 || sep >= argv + argc - 1) {
        std::fprintf(stderr, "usage: bench-spawn-timer RUNS WARMUP CMD_A [ARGS...] -- CMD_B [ARGS...]\n");
        return 2;
    }
    int runs = std::atoi(argv[1]), warmup = std::atoi(argv[2]);
    std::vector<char*> a(argv + 3, sep), b(sep + 1, argv + argc);
    a.push_back(nullptr);
    b.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);

    for (int i = 0; i < warmup; i++) run_once(a, &actions), run_once(b, &actions);
    std::vector<double> ta, tb;
    for (int i = 0; i < runs; i++) {
        if (i % 2) {
            ta.push_back(run_once(a, &actions));
            tb.push_back(run_once(b, &actions));
        } else {
            tb.push_back(run_once(b, &actions));
            ta.push_back(run_once(a, &actions));
        }
    }
    report("a", ta);
    report("b", tb);
    return 0;
}
