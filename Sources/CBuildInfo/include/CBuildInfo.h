// Facts about this build that only the build command knows (see Package.swift).
#ifndef JWTAUDIT_CBUILDINFO_H
#define JWTAUDIT_CBUILDINFO_H

/// The git commit the binary was built from, abbreviated ("abc1234", "abc1234-dirty"), or "" when the build
/// was not told (a plain `swift build`). Static storage: never freed.
const char *jwtaudit_build_commit(void);

#endif
