import Synchronization

/// OpenSSL contexts prepared once and then used by one thread at a time (a key's verification contexts, an HMAC
/// key's keyed MAC contexts): a batch on N threads ends up with N of them.
///
/// One context waits in a slot that is taken and given back with a single atomic exchange; the others, in a
/// locked list. A batch's workers nearly always find theirs in the slot: taking it from a locked list (lock, a
/// search, an array removal, an append) cost some 600 instructions per token, as much as a claim check.
final class ContextPool<Context: AnyObject & Sendable>: @unchecked Sendable {
    /// A retained context's address, or 0 for an empty slot.
    private let slot = Atomic<UInt>(0)
    private let others = Mutex<[Context]>([])

    init() {}

    deinit {
        let bits = slot.load(ordering: .acquiring)
        if let address = UnsafeRawPointer(bitPattern: bits) { Unmanaged<Context>.fromOpaque(address).release() }
    }

    /// A context that `matches`, now owned by the caller until `give`; nil when none is free.
    func take(where matches: (Context) -> Bool) -> Context? {
        let bits = slot.exchange(0, ordering: .acquiring)
        if let address = UnsafeRawPointer(bitPattern: bits) {
            let context = Unmanaged<Context>.fromOpaque(address).takeRetainedValue()
            if matches(context) { return context }
            others.withLock { $0.append(context) }
        }
        return others.withLock { pool -> Context? in
            guard let index = pool.lastIndex(where: matches) else { return nil }
            return pool.remove(at: index)
        }
    }

    /// Gives a context taken from here (or made for it) back.
    func give(_ context: Context) {
        let retained = Unmanaged.passRetained(context)
        let bits = UInt(bitPattern: retained.toOpaque())
        if slot.compareExchange(expected: 0, desired: bits, ordering: .releasing).exchanged { return }
        retained.release()
        others.withLock { $0.append(context) }
    }
}
