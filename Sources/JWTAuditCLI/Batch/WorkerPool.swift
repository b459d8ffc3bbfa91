import Glibc

/// A mutex and its condition variable, at a fixed address (POSIX: "Only mutex itself may be used for performing
/// synchronization. The result of referring to copies of mutex ... is undefined"). Timed waits run on the
/// monotonic clock, so setting the wall clock neither stretches nor cuts them.
///
/// The batch's threads are POSIX threads rather than Dispatch: linking libdispatch cost every start of the binary,
/// batch or not. Its constructor reads /sys, and its relocated pointers filled 19 pages the loader writes before
/// `main`; without it a cold `verify` takes 24 fewer page faults and about 4% less time (issue 22, bench/README.md).
final class ThreadSignal: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `change` with the mutex held and wakes every waiter.
    func notify(_ change: () -> Void) {
        pthread_mutex_lock(mutex)
        change()
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Waits, the mutex held while `ready` is evaluated, until `ready` is true; then runs `then` under the mutex.
    func wait<T>(until ready: () -> Bool, then: () -> T) -> T {
        pthread_mutex_lock(mutex)
        while !ready() { pthread_cond_wait(condition, mutex) }
        let value = then()
        pthread_mutex_unlock(mutex)
        return value
    }

    /// Waits until `ready` is true or `milliseconds` have passed; returns `ready()`'s last answer.
    func wait(until ready: () -> Bool, milliseconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + milliseconds * 1_000_000
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        var isReady = ready()
        while !isReady {
            let timedOut = pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT
            isReady = ready()
            if timedOut { break }
        }
        pthread_mutex_unlock(mutex)
        return isReady
    }

    /// Starts `body` on a new POSIX thread (default attributes: the stack size `ulimit -s` gives, as the main
    /// thread's); nil when the system refuses one (the caller then does the work itself).
    ///
    /// The thread blocks every signal, as libdispatch's workers did: SIGINT must reach the thread blocked in read(2),
    /// whose EINTR is how a batch notices the interrupt at once (`BatchRunner.installSignalHandlers`). POSIX: "The
    /// signal mask shall be inherited from the creating thread", so it is set around `pthread_create`.
    static func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        final class Start {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let context = Unmanaged.passRetained(Start(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            return nil
        }
        return thread
    }
}

/// Workers that meet once per run: `perform` runs `body(0)` on the calling thread and `body(1)` ... `body(count - 1)`
/// on the pool's threads, and returns when every one has returned. The threads are started at the first `perform`
/// and wait between calls; the pool's end stops and joins them.
final class WorkerPool: @unchecked Sendable {
    /// What the threads share, guarded by `signal`; the threads hold it, not the pool, so the pool can end them.
    private final class Shared: @unchecked Sendable {
        let signal = ThreadSignal()
        var body: (@Sendable (Int) -> Void)?
        /// Bumped once per `perform`: a thread runs each generation's body once.
        var generation = 0
        /// Threads not finished with this generation yet.
        var pending = 0
        /// This generation's worker count: a thread whose worker is not below it has nothing to do.
        var count = 0
        /// The worker the pool's first thread runs: 1 (the calling thread is worker 0).
        var first = 0
        var stopping = false
    }

    private let shared = Shared()
    private var threads: [pthread_t] = []
    /// The most workers a `perform` can have.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    deinit {
        shared.signal.notify { shared.stopping = true }
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body(worker)` for every worker in 0 ..< `count` (at most `capacity`), each on its own thread, and waits
    /// for all of them.
    func perform(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let count = min(count, capacity)
        let helpers = begin(body, workers: 1..<count)
        body(0)
        // Workers the system gave no thread for run here, after the calling thread's own share.
        if count > helpers + 1 {
            for worker in (helpers + 1)..<count { body(worker) }
        }
        finish(helpers)
    }

    /// Hands `workers` to the pool's threads (starting those missing), the first thread taking the first worker;
    /// returns how many threads took part.
    private func begin(_ body: @escaping @Sendable (Int) -> Void, workers: Range<Int>) -> Int {
        while threads.count < workers.count {
            let index = threads.count
            guard let thread = ThreadSignal.startThread({ [shared] in WorkerPool.serve(shared, index: index) }) else { break }
            threads.append(thread)
        }
        let helpers = min(threads.count, workers.count)
        if helpers > 0 {
            shared.signal.notify {
                shared.body = body
                shared.count = workers.upperBound
                shared.first = workers.lowerBound
                shared.pending = threads.count
                shared.generation += 1
            }
        }
        return helpers
    }

    /// Waits for the threads `begin` handed work to.
    private func finish(_ helpers: Int) {
        if helpers > 0 {
            shared.signal.wait(until: { shared.pending == 0 }, then: { shared.body = nil })
        }
    }

    private static func serve(_ shared: Shared, index: Int) {
        var seen = 0
        while true {
            let next: (stop: Bool, worker: Int, work: (@Sendable (Int) -> Void)?) = shared.signal.wait(
                until: { shared.stopping || shared.generation != seen },
                then: {
                    if shared.stopping { return (true, 0, nil) }
                    seen = shared.generation
                    let worker = index + shared.first
                    return (false, worker, worker < shared.count ? shared.body : nil)
                })
            if next.stop { return }
            next.work?(next.worker)
            shared.signal.notify { shared.pending -= 1 }
        }
    }
}
