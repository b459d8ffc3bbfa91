// JWTAUDIT_COMMIT comes from Package.swift (the JWTAUDIT_COMMIT environment variable the Makefile sets). It is
// defined for this file alone, so a new commit recompiles this file and relinks, nothing more.
#include "CBuildInfo.h"

#ifndef JWTAUDIT_COMMIT
#define JWTAUDIT_COMMIT ""
#endif

const char *jwtaudit_build_commit(void) { return JWTAUDIT_COMMIT; }
