#!/bin/sh
# Usage: packaging/deb-depends.sh BINARY [SONAME FLOOR]...
# Prints the Depends: value of the .deb for BINARY, reasoning as dpkg-shlibdeps does, plus the libraries the
# binary dlopen()s (each given as SONAME FLOOR, since no ELF header names them):
# - every shared library the binary needs (readelf -d, NEEDED), found where the loader finds it (ldd), and the
#   package that ships that file (dpkg -S);
# - that package's lowest version with everything the binary takes from the library: each symbol version it
#   needs (readelf -V) and each symbol@version it imports (objdump -T), looked up in the package's symbols
#   file; the package's shlibs entry when it has no symbols file.
# dpkg-shlibdeps looks at symbols only, so it misses a version need no symbol carries: glibc's
# GLIBC_ABI_DT_RELR (2.36), which `-z pack-relative-relocs` adds (Package.swift). It answers libc6 (>= 2.35),
# and on glibc 2.35 the binary does not start. This script answers libc6 (>= 2.36).
set -eu
binary=$1
shift

# The package (without its :arch) that ships PATH; dpkg records some libraries under /lib, others under /usr/lib.
package_of() {
    for candidate in "$1" "/usr$1" "${1#/usr}"; do
        if owner=$(dpkg -S "$candidate" 2>/dev/null); then
            echo "${owner%%:*}" | sed 's/:.*//'
            return
        fi
    done
    echo "deb-depends: no package ships $1" >&2
    exit 1
}

# The highest of the version floors given on standard input, one per line.
highest() { sort -V | tail -n 1; }

# "symbol@VERSION" for everything the binary takes from SONAME: its version needs and its versioned imports.
needs_from() {
    versions=$(readelf -V -W "$binary" | awk -v lib="$1" '/File:/ { file = $5 } /Name:/ && file == lib { print $3 }')
    for version in $versions; do echo "$version@$version"; done
    # An import names its version, not its library; each version belongs to one library's needs above.
    objdump -T "$binary" | awk -v versions="$versions" '
        BEGIN { n = split(versions, list, "\n"); for (i = 1; i <= n; i++) wanted["(" list[i] ")"] = 1 }
        /\*UND\*/ { for (i = 1; i < NF; i++) if ($i in wanted) { v = $i; gsub(/[()]/, "", v); print $NF "@" v } }'
}

# The floor for SONAME from PACKAGE's symbols file (or its shlibs file).
floor_of() {
    soname=$1 package=$2
    symbols=$(dpkg-query --control-path "$package" symbols 2>/dev/null || true)
    if [ -n "$symbols" ] && [ -f "$symbols" ]; then
        needs_from "$soname" | sort -u | awk -v lib="$soname" '
            NR == FNR { need[$1] = 1; next }
            /^[^ |*]/ { inside = ($1 == lib); next }
            inside && /^ / && ($1 in need) { print $2 }' - "$symbols" | highest
    else
        shlibs=$(dpkg-query --control-path "$package" shlibs)
        name=${soname%%.so*} major=${soname##*.so.}
        awk -v n="$name" -v m="$major" '$1 == n && $2 == m { print $5 }' "$shlibs" | tr -d ')' | highest
    fi
}

{
    for soname in $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        path=$(ldd "$binary" | awk -v s="$soname" '$1 == s && $2 == "=>" { print $3; exit } $1 ~ ("/" s "$") { print $1; exit }')
        [ -n "$path" ] || { echo "deb-depends: the loader does not find $soname" >&2; exit 1; }
        package=$(package_of "$path")
        echo "$package $(floor_of "$soname" "$package")"
    done
    while [ $# -ge 2 ]; do
        path=$(ldconfig -p | awk -v s="$1" '$1 == s { print $NF; exit }')
        [ -n "$path" ] || { echo "deb-depends: $1 is not installed (ldconfig -p)" >&2; exit 1; }
        echo "$(package_of "$path") $2"
        shift 2
    done
} | sort -k1,1 -k2,2V | awk '
    { floor[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END { for (i = 1; i <= n; i++) printf "%s%s (>= %s)", (i > 1 ? ", " : ""), order[i], floor[order[i]]; print "" }'
