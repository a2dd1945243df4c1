/// Runs an engine in simulated time: from event to event, as fast as the CPU allows.
package struct SimulatedClock: EngineClock {
    package init() {}

    package func run(_ engine: consuming Engine, finished: @escaping @Sendable (consuming Engine) -> Void) {
        var engine = engine
        engine.runToCompletion()
        finished(engine)
    }

    /// Runs to completion and returns the engine: the simulated clock needs no callback.
    package func run(_ engine: consuming Engine) -> Engine {
        var engine = engine
        engine.runToCompletion()
        return engine
    }
}

/// What drives an ``Engine`` forward in time. The engine's routing code is the same under every clock; only the
/// pacing differs.
package protocol EngineClock: Sendable {
    /// Runs the engine until its calendar is empty and hands it over to `finished`.
    func run(_ engine: consuming Engine, finished: @escaping @Sendable (consuming Engine) -> Void)
}
