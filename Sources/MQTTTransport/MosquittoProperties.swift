import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Building and reading libmosquitto's `mosquitto_property` lists.
enum MosquittoProperties {
    static func id(_ property: mqtt5_property) -> Int32 { Int32(property.rawValue) }

    /// A property list for an outgoing PUBLISH (nil when there is nothing to send), or the failing
    /// libmosquitto code. The caller frees the list with `mosquitto_property_free_all`.
    /// `expirySeconds` replaces `properties.messageExpirySeconds` (the remaining time).
    static func makePublishList(_ properties: MQTTProperties, expirySeconds: UInt32?) -> (list: OpaquePointer?, code: Int32) {
        var list: OpaquePointer? = nil
        var rc = MOSQ_ERR_SUCCESS.rawValue
        func add(_ body: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) {
            if rc == MOSQ_ERR_SUCCESS.rawValue { rc = body(&list) }
        }
        if let contentType = properties.contentType {
            add { mosquitto_property_add_string($0, id(MQTT_PROP_CONTENT_TYPE), contentType) }
        }
        if let responseTopic = properties.responseTopic {
            add { mosquitto_property_add_string($0, id(MQTT_PROP_RESPONSE_TOPIC), responseTopic) }
        }
        if let correlationData = properties.correlationData {
            if correlationData.count > Int(UInt16.max) {
                rc = MOSQ_ERR_INVAL.rawValue
            } else {
                add { list in
                    correlationData.withUnsafeBytes {
                        mosquitto_property_add_binary(list, id(MQTT_PROP_CORRELATION_DATA), $0.baseAddress, UInt16($0.count))
                    }
                }
            }
        }
        for user in properties.userProperties {
            add { mosquitto_property_add_string_pair($0, id(MQTT_PROP_USER_PROPERTY), user.name, user.value) }
        }
        if let expirySeconds {
            add { mosquitto_property_add_int32($0, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), expirySeconds) }
        }
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            mosquitto_property_free_all(&list)
            return (nil, rc)
        }
        return (list, rc)
    }

    /// The properties of an incoming PUBLISH, copied (libmosquitto's strings are freed here).
    static func read(_ list: OpaquePointer?) -> MQTTProperties {
        var result = MQTTProperties()
        guard let list else { return result }
        result.contentType = readString(list, MQTT_PROP_CONTENT_TYPE)
        result.responseTopic = readString(list, MQTT_PROP_RESPONSE_TOPIC)
        var data: UnsafeMutableRawPointer? = nil
        var length: UInt16 = 0
        if mosquitto_property_read_binary(list, id(MQTT_PROP_CORRELATION_DATA), &data, &length, false) != nil {
            result.correlationData = data.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
            free(data)
        }
        var expiry: UInt32 = 0
        if mosquitto_property_read_int32(list, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), &expiry, false) != nil {
            result.messageExpirySeconds = expiry
        }
        var name: UnsafeMutablePointer<CChar>? = nil
        var value: UnsafeMutablePointer<CChar>? = nil
        var cursor = mosquitto_property_read_string_pair(list, id(MQTT_PROP_USER_PROPERTY), &name, &value, false)
        while cursor != nil {
            if let name, let value {
                result.userProperties.append(MQTTUserProperty(String(cString: name), String(cString: value)))
            }
            free(name)
            free(value)
            name = nil
            value = nil
            cursor = mosquitto_property_read_string_pair(cursor, id(MQTT_PROP_USER_PROPERTY), &name, &value, true)
        }
        return result
    }

    private static func readString(_ list: OpaquePointer, _ property: mqtt5_property) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard mosquitto_property_read_string(list, id(property), &value, false) != nil, let value else { return nil }
        defer { free(value) }
        return String(cString: value)
    }
}
