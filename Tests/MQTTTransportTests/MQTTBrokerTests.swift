import Foundation
import TestSupport
import Testing

/// Tests against a real mosquitto on 127.0.0.1 with mosquitto_sub / mosquitto_pub as the other side.
/// Serialized: each test starts its own broker, and on 2 shared cores timing stays predictable.
///
/// The tests live in nested suites by topic (`MQTTBrokerTests+*.swift`). Both traits are
/// recursive, so they hold for every nested suite too: no two brokers ever run at once.
@Suite("MQTT transport against mosquitto", .serialized, .timeLimit(.minutes(1)))
struct MQTTBrokerTests {}
