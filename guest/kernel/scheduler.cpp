// Cooperative threads (scheduler.hpp). The state below changes only in the
// calls that can switch threads, and every switch goes through schedule().
#include "scheduler.hpp"

#include "nabla/platform.h"

#include "page_allocator.hpp"

// context_switch.S
extern "C" {
void nabla_context_switch(uintptr_t* save_sp, uintptr_t next_sp);
uintptr_t nabla_context_init(uintptr_t stack_top, void* entry, void* a, void* b);
}

namespace nabla::kernel {
namespace {

using State = Thread::State;

void check(bool ok, const char* broken_invariant) {
    if (!ok) nabla_abort(broken_invariant);
}

// Runnable threads, first in first out.
struct RunQueue {
    Thread* head = nullptr;
    Thread* tail = nullptr;

    void push(Thread* t) {
        t->run_next = nullptr;
        if (tail) tail->run_next = t;
        else head = t;
        tail = t;
    }
    Thread* pop() {
        Thread* t = head;
        if (t) {
            head = t->run_next;
            if (!head) tail = nullptr;
            t->run_next = nullptr;
        }
        return t;
    }
};

Thread main_thread = {.tid = 1, .state = State::running};
Thread* running = &main_thread;
RunQueue run_queue;
Thread* sleepers;        // blocked with a deadline, earliest first
Thread* zombie;          // exited, but schedule() still runs on its stack
Thread* spare;           // records to reuse
Thread* spawned;         // threads from spawn() not yet exited, to skip their ids
int live = 1;            // threads not yet exited

// Thread ids count up from 2 and wrap around below Linux's largest pid,
// skipping ids still in use, so a server that makes a thread per request
// never runs out of them.
constexpr int max_tid = 4194304;
int next_tid = 2;
bool tids_wrapped;

bool tid_in_use(int tid) {
    for (Thread* t = spawned; t; t = t->sibling_next)
        if (t->tid == tid) return true;
    return false;
}

int new_tid() {
    check(live < max_tid - 2, "scheduler: out of thread ids");
    for (;;) {
        int tid = next_tid;
        if (next_tid == max_tid) next_tid = 2, tids_wrapped = true;
        else next_tid++;
        if (!tids_wrapped || !tid_in_use(tid)) return tid;
    }
}

void sibling_remove(Thread* t) {
    if (t->sibling_prev) t->sibling_prev->sibling_next = t->sibling_next;
    else spawned = t->sibling_next;
    if (t->sibling_next) t->sibling_next->sibling_prev = t->sibling_prev;
}
void (*device_handler)(uint64_t);
uint64_t (*device_deadline)(); // when the device handler is due without a device
bool idling;             // in the device handler, which must not switch
uint64_t devices_checked; // when the host was last asked about devices

// While threads keep running, devices are still checked this often, so a
// thread that polls a socket between yields sees new frames.
constexpr uint64_t busy_poll_interval_ns = 1000000;

// Before sleeping on the host with devices to watch, look at them this long
// first: a sleeping process is woken in 5 to 100 us (more when the wake-up
// lands on an idle CPU), and a request-reply peer's next frame usually comes
// sooner. An idle guest pays this once per wake-up.
constexpr uint64_t idle_poll_ns = 50000;

// Records come from whole pages and are reused, never handed back: a
// thread's own stack may be gone when its record is freed.
Thread* new_record() {
    if (!spare) {
        uintptr_t page = pages().map(1);
        if (!page) return nullptr;
        auto* slots = reinterpret_cast<Thread*>(page);
        for (size_t i = 0; i < page_size / sizeof(Thread); i++) {
            slots[i].run_next = spare;
            spare = &slots[i];
        }
    }
    Thread* t = spare;
    spare = t->run_next;
    *t = Thread{};
    return t;
}

void sleeper_insert(Thread* t) {
    Thread* prev = nullptr;
    Thread* next = sleepers;
    while (next && next->deadline <= t->deadline) prev = next, next = next->sleep_next; // FIFO among equals
    t->sleep_prev = prev;
    t->sleep_next = next;
    if (prev) prev->sleep_next = t;
    else sleepers = t;
    if (next) next->sleep_prev = t;
}

void sleeper_remove(Thread* t) {
    if (t->sleep_prev) t->sleep_prev->sleep_next = t->sleep_next;
    else sleepers = t->sleep_next;
    if (t->sleep_next) t->sleep_next->sleep_prev = t->sleep_prev;
    t->sleep_prev = t->sleep_next = nullptr;
    t->deadline = forever;
}

void make_runnable(Thread* t, bool woken) {
    check(t->state == State::blocked, "scheduler: only a blocked thread can be woken");
    if (t->deadline != forever) sleeper_remove(t);
    t->woken = woken;
    t->state = State::runnable;
    run_queue.push(t);
}

void wake_expired(uint64_t now) {
    while (sleepers && sleepers->deadline <= now) make_runnable(sleepers, false);
}

uint64_t devices_due() { return device_handler && device_deadline ? device_deadline() : forever; }

// Waits on the host until deadline or a readable net device, and tells the
// device handler which, or that its own deadline (due, as it was before
// the wait) came (deadline 0: only a look).
void wait_on_host(uint64_t deadline, uint64_t due) {
    uint64_t ready = 0;
    nabla_result_t rc = nabla_yield(deadline, &ready);
    check(rc != NABLA_EUNSPEC, "scheduler: waiting on the host failed");
    devices_checked = nabla_clock_monotonic();
    if (device_handler && (rc == NABLA_OK || devices_checked >= due)) {
        idling = true;
        device_handler(ready);
        idling = false;
    }
}

// Runs once on the thread that got the CPU, on its own stack: the thread
// that just exited is off its stack now, so its memory can go.
void finish_switch() {
    if (!zombie) return;
    check(zombie != running, "scheduler: an exited thread is running");
    if (zombie->unmap_size) pages().unmap(zombie->unmap_base, (zombie->unmap_size + page_size - 1) / page_size);
    if (zombie != &main_thread) { // the first thread's record is not from new_record
        zombie->run_next = spare;
        spare = zombie;
    }
    zombie = nullptr;
}

// The one place threads switch. The caller has already set running's state
// (runnable and queued, blocked, or dead); the idle path runs here, on the
// stack of the thread that is giving up the CPU.
void schedule() {
    Thread* prev = running;
    check(!idling, "scheduler: the device handler blocked, yielded or exited");
    check(prev->state != State::running, "scheduler: schedule() from a thread that is still running");
    Thread* next;
    for (;;) {
        uint64_t now = sleepers || device_handler ? nabla_clock_monotonic() : 0;
        if (sleepers) wake_expired(now);
        uint64_t due = devices_due();
        if (device_handler && (now - devices_checked >= busy_poll_interval_ns || now >= due)) {
            wait_on_host(0, due);
            due = devices_due();
        }
        if ((next = run_queue.pop())) break;
        uint64_t deadline = sleepers ? sleepers->deadline : forever;
        if (deadline > due) deadline = due;
        if (device_handler) {
            uint64_t until = now + idle_poll_ns < deadline ? now + idle_poll_ns : deadline;
            while (!run_queue.head && nabla_clock_monotonic() < until) wait_on_host(0, due);
            if (run_queue.head) continue;
        }
        wait_on_host(deadline, due); // nothing can run
    }
    check(next->state == State::runnable, "scheduler: a thread on the run queue is not runnable");
    next->state = State::running;
    if (next == prev) return;
    check(next->tls != 0, "scheduler: a thread without TLS");
    running = next;
    if (next->tls != prev->tls) nabla_set_tls_base(next->tls);
    nabla_context_switch(&prev->sp, next->sp);
    // Back on prev's stack, switched to by some later schedule().
    finish_switch();
}

} // namespace

// A new thread's first code, from context_switch.S (nabla_thread_entry).
extern "C" [[noreturn]] void nabla_kernel_thread_start(ThreadEntry entry, void* a, void* b) {
    finish_switch();
    entry(a, b);
    nabla_abort("scheduler: a thread's entry function returned");
}

Thread& current() { return *running; }

void set_tls(uintptr_t base) {
    running->tls = base;
    nabla_set_tls_base(base);
}

Thread* spawn(ThreadEntry entry, void* a, void* b, uintptr_t stack, uintptr_t tls) {
    check(stack != 0 && tls != 0, "scheduler: a thread needs a stack and TLS");
    Thread* t = new_record();
    if (!t) return nullptr;
    t->tid = new_tid();
    t->sibling_next = spawned;
    if (spawned) spawned->sibling_prev = t;
    spawned = t;
    t->tls = tls;
    t->sp = nabla_context_init(stack, reinterpret_cast<void*>(entry), a, b);
    t->state = State::runnable;
    run_queue.push(t);
    live++;
    return t;
}

void yield() {
    if (!run_queue.head && !sleepers && !device_handler) return; // nothing else to run or look at
    running->state = State::runnable;
    run_queue.push(running);
    schedule();
}

bool block_current_until(uint64_t deadline) {
    if (deadline != forever && nabla_clock_monotonic() >= deadline) return false;
    Thread* self = running;
    self->state = State::blocked;
    self->woken = false;
    self->deadline = deadline;
    if (deadline != forever) sleeper_insert(self);
    schedule();
    return self->woken;
}

void wake(Thread& t) {
    if (t.state == State::blocked) make_runnable(&t, true);
}

void sleep_until(uint64_t deadline) {
    while (block_current_until(deadline)) {
    }
}

void exit_current(int status, uintptr_t unmap_base, size_t unmap_size) {
    if (live == 1) nabla_exit(status); // the last thread: the process ends with it
    check(!zombie, "scheduler: two threads exiting in one switch");
    live--;
    if (running != &main_thread) sibling_remove(running);
    running->state = State::dead;
    running->unmap_base = unmap_base;
    running->unmap_size = unmap_size;
    zombie = running;
    schedule();
    nabla_abort("scheduler: an exited thread ran again");
}

void poll_devices() {
    if (device_handler && !idling) wait_on_host(0, devices_due());
}

void set_device_handler(void (*handler)(uint64_t ready_set), uint64_t (*next_deadline)()) {
    device_handler = handler;
    device_deadline = next_deadline;
}

} // namespace nabla::kernel
