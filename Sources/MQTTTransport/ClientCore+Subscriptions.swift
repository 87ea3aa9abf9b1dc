import CMosquitto
import Logging

// Subscriptions: the list of filters is the source of truth; it is sent now when connected and
// again on every accepted connection, because a new handle (and maybe a new session) starts empty.
extension ClientCore {
    func subscribe(_ filter: String, qos: MQTTQoS) throws(MosquittoError) {
        try MosquittoError.check(mosquitto_sub_topic_check2(filter, filter.utf8.count), "subscribe '\(filter)'")
        lock.lock()
        defer { lock.unlock() }
        guard closeState == .open else {
            throw MosquittoError(code: MOSQ_ERR_INVAL.rawValue, operation: "subscribe '\(filter)' after close")
        }
        if let index = subscriptions.firstIndex(where: { $0.filter == filter }) {
            subscriptions[index].qos = qos
        } else {
            subscriptions.append((filter, qos))
        }
        if connected {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil)
            if rc == MOSQ_ERR_SUCCESS.rawValue { subscribeMids[mid] = filter }
            network?.wake()
            // Any other result means the connection is going; the next connect subscribes again.
        }
    }

    func unsubscribe(_ filter: String) {
        lock.lock()
        defer { lock.unlock() }
        subscriptions.removeAll { $0.filter == filter }
        if connected && closeState == .open {
            _ = mosquitto_unsubscribe_v5(handle, nil, filter, nil)
            network?.wake()
        }
    }

    /// Subscribes again to every filter on a new connection (lock held, the network thread);
    /// failures become log `lines` for the caller to write after releasing the lock.
    func resubscribeAll(logging lines: inout [(Logger.Level, String)]) {
        for subscription in subscriptions {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe_v5(handle, &mid, subscription.filter, subscription.qos.rawValue, 0, nil)
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                subscribeMids[mid] = subscription.filter
            } else {
                let error = MosquittoError.capturing(code: rc, operation: subscription.filter)
                lines.append((.warning, "MQTT resubscribe \(error)"))
            }
        }
    }

    func handleSubscribeAcknowledged(mid: Int32, grantedQoS: [Int32]) {
        let filter = lock.withLock { subscribeMids.removeValue(forKey: mid) }
        for granted in grantedQoS where granted >= 0x80 {
            let reason = MQTTReasonCode.message(granted, protocolVersion: configuration.protocolVersion)
            let what = filter ?? "a topic filter"
            log(.warning, "MQTT broker \(address) refused the subscription to \(what): \(reason) (reason \(granted))")
        }
    }
}
