// Cooperative threads on the one host thread. A thread runs until it
// blocks, yields or exits; then the runnable thread that waited longest
// runs. When none can run, the idle path waits on the host (nabla_yield)
// until the earliest sleeper's deadline, a net device or the device
// handler's own deadline (the network stack's timers), then wakes whoever
// is due. Like Unikraft's ukschedcoop, but the idle path runs on the stack
// of the thread that went idle instead of on an idle thread of its own.
//
// One CPU and no preemption: code between two calls that can switch
// threads (yield, block_current_until, sleep_until, exit_current and their
// callers) runs uninterrupted, so the kernel's data needs no locks.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace nabla::kernel {

inline constexpr uint64_t forever = UINT64_MAX; // a deadline that never comes

// The scheduler's record of one thread.
struct Thread {
    enum class State { running, runnable, blocked, dead };

    int tid = 0;             // 1 for the first thread (getpid), then 2, 3, ...
    State state = State::runnable;
    uintptr_t sp = 0;        // saved stack pointer while switched out
    uintptr_t tls = 0;       // %fs base, switched with the stack
    int* clear_tid = nullptr; // the posix layer's: zeroed and woken at exit (CLONE_CHILD_CLEARTID)

    // Scheduler-private.
    bool woken = false;      // the last block ended in wake(), not at the deadline
    uint64_t deadline = forever; // while blocked; not forever: on the sleeper list
    uintptr_t unmap_base = 0; // after exit: memory handed back once off its stack
    size_t unmap_size = 0;
    Thread* run_next = nullptr; // run queue, or the list of spare records
    Thread* sibling_prev = nullptr; // every spawned thread not yet exited
    Thread* sibling_next = nullptr;
    Thread* sleep_prev = nullptr;
    Thread* sleep_next = nullptr;
};

Thread& current();
inline int current_tid() { return current().tid; }

// Sets the calling thread's TLS base (%fs) and keeps it for its switches.
void set_tls(uintptr_t base);

// A new runnable thread that calls entry(a, b) on the stack whose top is
// stack, with TLS base tls; entry must end in exit_current, never return.
// It first runs when the caller blocks or yields. Null when out of memory.
using ThreadEntry = void (*)(void* a, void* b);
Thread* spawn(ThreadEntry entry, void* a, void* b, uintptr_t stack, uintptr_t tls);

// Lets every other runnable thread run once, then returns.
void yield();

// Blocks the caller until some wake(it) or until the monotonic clock
// reaches deadline (ns; forever: no timeout). True when woken, false at
// the deadline; a deadline already passed returns false at once.
// To wait for an event, put a Waiter on its WaitQueue (wait_queue.hpp) first.
bool block_current_until(uint64_t deadline);

// Makes a blocked thread runnable (it runs after the caller blocks or
// yields); a thread that is not blocked is left alone.
void wake(Thread& t);

// Blocks the caller until the monotonic clock reaches deadline.
void sleep_until(uint64_t deadline);

// Ends the caller. [unmap_base, +unmap_size) is memory it may still be
// running on (a detached thread's stack), handed back to the page allocator
// once another thread runs. The last thread ends the process with status.
[[noreturn]] void exit_current(int status, uintptr_t unmap_base = 0, size_t unmap_size = 0);

// Called with nabla_yield's ready set (bit h: net handle h is readable)
// when the host reports a device, or with whatever is ready (maybe 0) once
// the monotonic clock reaches next_deadline() (ns; forever: never): from
// the idle path, which wakes for that deadline too, and while threads keep
// running at least every millisecond. Both run on behalf of the scheduler:
// they may wake threads, never block, yield or exit. One handler; null
// removes it; no next_deadline: only devices call it.
void set_device_handler(void (*handler)(uint64_t ready_set), uint64_t (*next_deadline)() = nullptr);

// Looks at the devices now, without waiting, and runs the handler if one is
// ready. For a call that is about to say "nothing yet" (EAGAIN, a poll with
// no timeout): on Linux the network moves on while a program spins, so here
// it must too, even when no thread ever blocks.
void poll_devices();

} // namespace nabla::kernel
