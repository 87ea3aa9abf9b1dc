#ifndef HAMLET_CMOSQUITTO_SHIM_H
#define HAMLET_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h> /* MQTT_PROP_* (v5 property ids) and MQTT_RC_* reason codes */
#include <sys/eventfd.h>
#include <sys/prctl.h>

/* Names the calling thread (visible in top -H, gdb); prctl is variadic, so it needs a shim. */
static inline int hamlet_mqtt_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

/* A non-blocking eventfd that wakes the client's network thread out of poll(). */
static inline int hamlet_mqtt_wakeup_fd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

#endif
