import Logging
/// One MQTT 5 user property (a name/value pair; names may repeat).
public struct MQTTUserProperty: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// The MQTT 5 PUBLISH properties Hamlet uses. Ignored (neither sent nor received) with MQTT 3.1.1.
public struct MQTTProperties: Sendable, Equatable {
    /// MIME type of the payload, e.g. `application/json`.
    public var contentType: String?
    /// Where a request's answer should go (MQTT 5 request/response).
    public var responseTopic: String?
    /// Opaque bytes that pair a response with its request.
    public var correlationData: [UInt8]?
    public var userProperties: [MQTTUserProperty]
    /// Seconds after which the broker discards the message if undelivered. While a message
    /// waits in the outbox the remaining time shrinks; one that expires there is dropped.
    public var messageExpirySeconds: UInt32?

    public init(
        contentType: String? = nil, responseTopic: String? = nil, correlationData: [UInt8]? = nil,
        userProperties: [MQTTUserProperty] = [], messageExpirySeconds: UInt32? = nil
    ) {
        (self.contentType, self.responseTopic, self.correlationData) = (contentType, responseTopic, correlationData)
        (self.userProperties, self.messageExpirySeconds) = (userProperties, messageExpirySeconds)
    }

    public var isEmpty: Bool {
        contentType == nil && responseTopic == nil && correlationData == nil && userProperties.isEmpty
            && messageExpirySeconds == nil
    }

    /// The first user property called `name`.
    public func userProperty(_ name: String) -> String? { userProperties.first { $0.name == name }?.value }

    /// Bytes the properties add to a message (for the outbox byte limit).
    var byteCount: Int {
        (contentType?.utf8.count ?? 0) + (responseTopic?.utf8.count ?? 0) + (correlationData?.count ?? 0)
            + userProperties.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    }
}

/// A message received from the broker, copied out of libmosquitto's buffers.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    /// Set when the broker delivered a retained message (on subscribe).
    public var retain: Bool
    public var properties: MQTTProperties

    public init(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, properties: MQTTProperties = .init()) {
        (self.topic, self.payload, self.qos, self.retain, self.properties) = (topic, payload, qos, retain, properties)
    }

    /// The payload as UTF-8 text (invalid bytes replaced).
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }
}

/// What the client reports to the application, in order, on `MQTTClient.events`.
public enum MQTTEvent: Sendable, Equatable {
    /// A CONNACK arrived. `reasonCode` 0 = accepted: the client has resubscribed, published
    /// `online` and started draining the outbox. Anything else = refused (see
    /// `MQTTReasonCode.message`); a `.disconnected` follows and the client retries with back-off.
    case connected(reasonCode: Int32, sessionPresent: Bool)
    /// The connection (or connection attempt) ended. `reasonCode` is libmosquitto's: 0 = this
    /// client asked for it, otherwise a `MOSQ_ERR_*` value such as `MOSQ_ERR_CONN_LOST` (7).
    case disconnected(reasonCode: Int32)
    /// A message arrived on a subscribed topic (only with `MQTTMessageDelivery.stream`).
    case message(MQTTMessage)
}

/// What `publish` did with a message.
public enum MQTTPublishOutcome: Sendable, Equatable {
    /// Handed to libmosquitto on a live connection; a QoS ≥ 1 message stays in the outbox
    /// until its PUBACK and is sent again if the connection drops first.
    case sent
    /// Kept in the outbox; sent, in order, once connected.
    case queued
    /// Not kept; counted in `MQTTClientCounters`.
    case dropped(MQTTDropReason)
}

/// Why a message was dropped.
public enum MQTTDropReason: Sendable, Equatable, CustomStringConvertible {
    /// The outbox was full and this message was the one to go (see `MQTTOutboxLimits`).
    case outboxFull
    /// Larger than the whole outbox byte limit.
    case tooLarge
    /// Its message expiry passed while it waited in the outbox.
    case expired
    /// Invalid topic, payload or properties, or refused by the broker in its PUBACK.
    case rejected
    /// `publish` after `close()`.
    case closed

    public var description: String {
        switch self {
        case .outboxFull: "outbox full"
        case .tooLarge: "too large"
        case .expired: "expired"
        case .rejected: "rejected"
        case .closed: "client closed"
        }
    }
}

/// A snapshot of the client's counters since it was created.
public struct MQTTClientCounters: Sendable, Equatable {
    /// Messages handed to libmosquitto on a live connection (including re-sends).
    public var messagesSent: UInt64 = 0
    /// QoS ≥ 1 messages handed over again because the connection dropped before their PUBACK.
    public var messagesResent: UInt64 = 0
    /// QoS ≥ 1 messages the broker acknowledged (PUBACK/PUBCOMP without an error reason).
    public var messagesDelivered: UInt64 = 0
    /// Messages received on subscriptions.
    public var messagesReceived: UInt64 = 0
    /// Non-priority messages dropped because the outbox was full.
    public var droppedOutboxFull: UInt64 = 0
    /// Priority messages dropped because the outbox was full of priority messages.
    public var droppedPriorityOutboxFull: UInt64 = 0
    /// Messages larger than the whole outbox.
    public var droppedTooLarge: UInt64 = 0
    /// Messages whose expiry passed in the outbox.
    public var droppedExpired: UInt64 = 0
    /// Messages refused by libmosquitto or by the broker's PUBACK reason code.
    public var droppedRejected: UInt64 = 0
    /// `publish` calls after `close()`.
    public var droppedAfterClose: UInt64 = 0
    /// Received messages dropped because the application did not take them fast enough.
    public var droppedIncoming: UInt64 = 0
    /// Durable messages dropped because the durable outbox was full (the oldest go first).
    public var droppedDurableOutboxFull: UInt64 = 0
    /// Durable messages from an earlier run found in the log at start.
    public var durableReplayed: UInt64 = 0
    /// Damaged records skipped in the log at start.
    public var durableCorruptRecords: UInt64 = 0
    /// Writes to the log that failed (the message was then kept in memory only, or, for a
    /// settled mark, may be sent again after a restart).
    public var durableWriteFailures: UInt64 = 0
    /// Durable messages in the log now (also counted in `outboxDepth`).
    public var durableDepth: Int = 0
    /// Messages in the outbox now: waiting to be sent plus sent and awaiting PUBACK.
    public var outboxDepth: Int = 0
    /// Topic, payload and property bytes in the outbox now.
    public var outboxBytes: Int = 0
    /// Connection attempts started.
    public var connectAttempts: UInt64 = 0
    /// Connections the broker accepted.
    public var connections: UInt64 = 0
    /// Accepted connections after the first one.
    public var reconnects: UInt64 = 0
    /// Established connections that ended without `close()`.
    public var connectionLosses: UInt64 = 0
    /// CONNACKs with a refusal reason code.
    public var connectionRefusals: UInt64 = 0
    /// The back-off delay chosen before the latest retry (nil before the first retry).
    public var lastReconnectDelay: Duration?

    public init() {}

    /// All messages dropped, for any reason (outgoing and incoming).
    public var droppedTotal: UInt64 {
        droppedOutboxFull + droppedPriorityOutboxFull + droppedDurableOutboxFull + droppedTooLarge + droppedExpired + droppedRejected
            + droppedAfterClose + droppedIncoming
    }
}
