#ifndef HAMLET_CMOSQUITTO_SHIM_H
#define HAMLET_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h> /* MQTT_PROP_* (v5 property ids) and MQTT_RC_* reason codes */
#include <sys/eventfd.h>

/* A non-blocking eventfd that wakes the client's network thread out of poll(). */
static inline int hamlet_mqtt_wakeup_fd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

#endif
