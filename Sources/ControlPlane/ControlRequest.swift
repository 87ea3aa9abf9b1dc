/// A valid control request: what to do, and where and how to answer.
public struct ControlRequest: Sendable, Equatable {
    /// Echoed in the reply when given.
    public var id: ControlRequestID?
    public var command: ControlCommand
    public var route: ControlReplyRoute

    public init(id: ControlRequestID? = nil, command: ControlCommand, route: ControlReplyRoute) {
        (self.id, self.command, self.route) = (id, command, route)
    }
}
