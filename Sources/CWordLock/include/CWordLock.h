// A lock in one 32-bit word, for memory Swift cannot give a `Mutex` or an `Atomic`: a `ManagedBuffer`'s header
// must be a copyable value, and both of those are noncopyable. `JSONDocument` guards its small value cache with
// it. A pthread mutex there cost about 250 instructions a token in a batch (init, lock and unlock four times,
// destroy); these are one exchange and one store, inlined into the Swift that calls them.
//
// For critical sections of a few dozen instructions that are nearly never contended: a waiter yields its core.
#ifndef JWTAUDIT_CWORDLOCK_H
#define JWTAUDIT_CWORDLOCK_H
#include <sched.h>

/// Takes the lock: 0 is free, 1 is held.
static inline void jwtaudit_word_lock(unsigned int *word) {
    while (__atomic_exchange_n(word, 1u, __ATOMIC_ACQUIRE) != 0u) {
        while (__atomic_load_n(word, __ATOMIC_RELAXED) != 0u) sched_yield();
    }
}

/// Gives the lock back.
static inline void jwtaudit_word_unlock(unsigned int *word) {
    __atomic_store_n(word, 0u, __ATOMIC_RELEASE);
}

#endif
