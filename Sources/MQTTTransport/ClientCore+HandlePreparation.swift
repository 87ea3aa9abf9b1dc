import CMosquitto

// Handle preparation: runs on the supervisor thread (or once in init), never while
// a loop thread (libmosquitto's or the `NetworkLoop`'s) is running, so the handle is not shared here.
extension ClientCore {
    /// Resets the handle and applies every setting: protocol, callbacks, Will, credentials, TLS
    /// and (MQTT 5) the CONNECT properties. A fresh handle per attempt also discards
    /// libmosquitto's own queue of unacknowledged messages, which the outbox re-sends instead.
    func prepareHandle() throws(MosquittoError) {
        let c = configuration
        let clientID: String? = c.clientID.isEmpty ? nil : c.clientID
        try MosquittoError.check(mosquitto_reinitialise(handle, clientID, c.cleanStart, userdata), "mosquitto_reinitialise")
        let version = c.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try MosquittoError.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol version")
        // Nagle's algorithm held small messages (a prediction, a reply) back for up to 40 ms
        // waiting for the broker's delayed ACK: that was the p99 of hamlet-mqtt-bench.
        try MosquittoError.check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        // With our own network thread, publishing must only queue (see `NetworkLoop`).
        if network != nil { try MosquittoError.check(mosquitto_threaded_set(handle, true), "mosquitto_threaded_set") }
        mosquitto_connect_v5_callback_set(handle, mqttOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, mqttOnDisconnect)
        mosquitto_publish_v5_callback_set(handle, mqttOnPublish)
        mosquitto_message_v5_callback_set(handle, mqttOnMessage)
        mosquitto_subscribe_v5_callback_set(handle, mqttOnSubscribe)
        mosquitto_log_callback_set(handle, mqttOnLog)
        // Only bounds libmosquitto's own retry path, which the supervisor pre-empts by
        // stopping the loop thread after every disconnect.
        _ = mosquitto_reconnect_delay_set(handle, 1, 1, false)
        if let status = c.status {
            let rc = status.offlinePayload.withUnsafeBytes {
                mosquitto_will_set(handle, status.topic, Int32($0.count), $0.baseAddress, status.qos.rawValue, true)
            }
            try MosquittoError.check(rc, "mosquitto_will_set \(status.topic)")
        }
        if let userName = c.userName {
            let secret = currentPassword()
            try MosquittoError.check(mosquitto_username_pw_set(handle, userName, secret), "mosquitto_username_pw_set")
        }
        if let tls = c.tls {
            try MosquittoError.check(
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil), "mosquitto_tls_set")
            try MosquittoError.check(mosquitto_tls_opts_set(handle, 1, nil, nil), "mosquitto_tls_opts_set")
            try MosquittoError.check(
                mosquitto_tls_insecure_set(handle, tls.allowsInsecureHostname), "mosquitto_tls_insecure_set")
        }
        if c.protocolVersion == .v5 && c.sessionExpirySeconds > 0 {
            // libmosquitto 2.0.11 has no asynchronous connect that takes CONNECT properties, but
            // connect_async sends whatever `mosquitto_connect_bind_v5` stored. That call stores
            // the properties before it validates the keep-alive, so keep-alive 1 (invalid)
            // stores them and returns MOSQ_ERR_INVAL without connecting. The "session present"
            // test checks that the broker really kept the session.
            var properties: OpaquePointer? = nil
            defer { mosquitto_property_free_all(&properties) }
            try MosquittoError.check(
                mosquitto_property_add_int32(
                    &properties, MosquittoProperties.id(MQTT_PROP_SESSION_EXPIRY_INTERVAL), c.sessionExpirySeconds),
                "session expiry property")
            let rc = mosquitto_connect_bind_v5(handle, c.host, Int32(c.port), 1, nil, properties)
            if rc != MOSQ_ERR_INVAL.rawValue {
                throw MosquittoError.capturing(code: rc, operation: "storing the CONNECT properties")
            }
        }
    }

    /// The password file's current content; the last good one if it cannot be read now.
    private func currentPassword() -> String? {
        guard let path = configuration.passwordFile else { return nil }
        do {
            let fresh = try MQTTConfiguration.readPassword(fromFile: path)
            lock.withLock { password = fresh }
            return fresh
        } catch {
            let (last, isNew) = lock.withLock { () -> (String?, Bool) in
                defer { lastPasswordProblem = error.description }
                return (password, lastPasswordProblem != error.description)
            }
            if isNew { log(.warning, "\(error); using the password read earlier") }
            return last
        }
    }
}
