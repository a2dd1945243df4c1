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

    /// Runs to completion in steps of `step` simulated seconds, calling `covered` with each step's simulated time
    /// (up to the period's end), and returns the engine. Every event is processed in the same order as by
    /// ``run(_:)``, so the engine ends in the same state.
    package func run(_ engine: consuming Engine, step: Double, covered: (Double) -> Void) -> Engine {
        var engine = engine
        let horizon = engine.model.horizon
        var reported = 0.0
        while let next = engine.nextEventTime {
            let until = ((next / step).rounded(.down) + 1) * step
            engine.advance(through: until)
            let mark = min(until, horizon)
            if mark > reported {
                covered(mark - reported)
                reported = mark
            }
        }
        if horizon > reported { covered(horizon - reported) }
        return engine
    }
}
