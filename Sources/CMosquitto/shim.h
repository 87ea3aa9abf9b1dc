#ifndef HAMLET_CMOSQUITTO_SHIM_H
#define HAMLET_CMOSQUITTO_SHIM_H
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h> /* MQTT_PROP_* (v5 property ids) and MQTT_RC_* reason codes */

/* errno of the calling thread, read right after a libmosquitto call returned MOSQ_ERR_ERRNO. */
static inline int hamlet_mosquitto_errno(void) { return errno; }

#endif
