/// A request that cannot be carried out, with what is needed to answer it anyway.
public struct ControlRejection: Error, Sendable, Equatable {
    /// The request's id, when it could be read.
    public var id: ControlRequestID?
    /// The command, when it could be read and is known.
    public var command: ControlCommandName?
    public var route: ControlReplyRoute
    public var error: ControlError

    public init(id: ControlRequestID?, command: ControlCommandName?, route: ControlReplyRoute, error: ControlError) {
        (self.id, self.command, self.route, self.error) = (id, command, route, error)
    }
}
