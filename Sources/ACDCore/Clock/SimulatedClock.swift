/// Runs an engine in simulated time: from event to event, as fast as the CPU allows. The wall clock
/// (``WallClock``, through ``LiveEngine``) runs the same engine paced against real time.
package struct SimulatedClock: Sendable {
    package init() {}

    /// Runs to completion and returns the engine.
    package func run(_ engine: consuming Engine) -> Engine {
        var engine = engine
        engine.runToCompletion()
        return engine
    }
}
