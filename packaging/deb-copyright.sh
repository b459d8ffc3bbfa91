#!/bin/sh
# Usage: packaging/deb-copyright.sh LICENSE
# Prints /usr/share/doc/jwtaudit/copyright in Debian's machine-readable format (copyright-format 1.0), with
# the whole licence text from LICENSE: indented one space, blank lines written " .", as the format asks.
set -eu
cat <<'HEAD'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: jwtaudit
Comment: The test vectors in the source tree (Tests/Vectors/) are not part of this package.

Files: *
Copyright: jwtaudit contributors
License: Apache-2.0

License: Apache-2.0
HEAD
sed -e '1{/^[[:space:]]*$/d;}' -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$1"
