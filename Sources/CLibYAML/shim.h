#ifndef HAMLET_CLIBYAML_SHIM_H
#define HAMLET_CLIBYAML_SHIM_H
/* Debian's libyaml (libyaml-dev): the event parser under the configuration reader. */
#include <yaml.h>
#endif
