#!/usr/bin/env bash
# Checks the Makefile's promises end to end on the release build: `make install` and `make uninstall` with
# PREFIX and with DESTDIR, the .deb (its control fields and files, then its contents extracted and run), and the
# release tarball. .ci/run runs it; by hand: `make && packaging/check.sh`. Needs dpkg-deb and man (man-db).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "packaging/check: $*" >&2; exit 1; }
# The regular files under a directory, relative to it, sorted, one a line.
files_under() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }
# The text man renders from a page, without the terminal's bold and underline.
render() { MANWIDTH=80 MANPAGER=cat man "$@" 2>/dev/null | sed $'s/.\b//g'; }

make --no-print-directory >/dev/null
line=$(.build/release/jwtaudit --version)
version=$(cut -d' ' -f2 <<<"$line")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no version in '$line'"
# A make build in a git checkout names its commit.
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$PWD" ]; then
    commit=$(git rev-parse --short=7 HEAD)$(git diff --quiet HEAD -- || echo -dirty)
    [[ $line == *", commit $commit)" ]] || fail "--version '$line' does not name commit $commit"
fi
five="bin/jwtaudit
share/bash-completion/completions/jwtaudit
share/fish/vendor_completions.d/jwtaudit.fish
share/man/man1/jwtaudit.1
share/zsh/site-functions/_jwtaudit"

# make install PREFIX=...: the five files, a binary that runs, a page man finds under the prefix.
prefix=$work/prefix
make --no-print-directory install PREFIX="$prefix" >/dev/null
[ "$(files_under "$prefix")" = "$five" ] || fail "make install PREFIX installed: $(files_under "$prefix")"
[ "$("$prefix/bin/jwtaudit" --version)" = "$line" ] || fail "the installed binary's --version differs"
"$prefix/bin/jwtaudit" decode examples/tokens/certificate-v1.jwt | grep -q 'credential  certificate' \
    || fail "the installed binary does not decode"
page=$(render -M "$prefix/share/man" jwtaudit)
grep -q '^NAME' <<<"$page" && grep -q "jwtaudit $version" <<<"$page" \
    || fail "man -M $prefix/share/man jwtaudit does not render the page with its version footer"
bash -c "source '$prefix/share/bash-completion/completions/jwtaudit' && complete -p jwtaudit" >/dev/null \
    || fail "the installed bash completion does not register"
make --no-print-directory uninstall PREFIX="$prefix" >/dev/null
[ -z "$(files_under "$prefix")" ] || fail "make uninstall left: $(files_under "$prefix")"

# DESTDIR stages under DESTDIR/PREFIX, and nothing elsewhere; uninstall takes the same pair.
stage=$work/stage
make --no-print-directory install DESTDIR="$stage" PREFIX=/opt/jwtaudit >/dev/null
[ "$(files_under "$stage")" = "$(sed 's|^|opt/jwtaudit/|' <<<"$five")" ] || fail "DESTDIR staged: $(files_under "$stage")"
make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/opt/jwtaudit >/dev/null
[ -z "$(files_under "$stage")" ] || fail "make uninstall DESTDIR left: $(files_under "$stage")"

# make deb: the name, Version equal to --version's, Depends from the binary, the files under /usr.
out=$work/out
make --no-print-directory deb OUT="$out" >/dev/null
deb=$out/jwtaudit_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb: $(ls "$out")"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the .deb's Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for package in 'libc6 (>= 2.36)' 'libssl3 (>= 3.' 'libcurl4 (>= 7.85.0)' 'zlib1g (>= 1:1.2.0)'; do
    [[ $depends == *"$package"* ]] || fail "Depends '$depends' lacks $package"
done
[ "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | LC_ALL=C sort)" = "usr/bin/jwtaudit
usr/share/bash-completion/completions/jwtaudit
usr/share/doc/jwtaudit/copyright
usr/share/fish/vendor_completions.d/jwtaudit.fish
usr/share/man/man1/jwtaudit.1.gz
usr/share/zsh/vendor-completions/_jwtaudit" ] || fail "the .deb holds: $(dpkg-deb -c "$deb")"
# Its contents, extracted into a root of their own: the packaged binary runs, man reads the packaged page.
root=$work/root
dpkg-deb -x "$deb" "$root"
[ "$("$root/usr/bin/jwtaudit" --version)" = "$line" ] || fail "the packaged binary's --version differs"
render -l "$root/usr/share/man/man1/jwtaudit.1.gz" | grep -q "jwtaudit $version" \
    || fail "man -l does not render the packaged page"
grep -q 'Apache License' "$root/usr/share/doc/jwtaudit/copyright" || fail "the copyright file lacks the licence"

# make dist: the name, and bin/, share/, LICENSE and README.md under one top directory.
make --no-print-directory dist OUT="$out" >/dev/null
name=jwtaudit-$version-linux-$(uname -m)
tar -xzf "$out/$name.tar.gz" -C "$work"
[ "$(files_under "$work/$name")" = "$(LC_ALL=C sort <<<"$five
LICENSE
README.md")" ] || fail "the tarball holds: $(files_under "$work/$name")"
[ "$("$work/$name/bin/jwtaudit" --version)" = "$line" ] || fail "the tarball's binary's --version differs"

echo "packaging/check: install, uninstall, DESTDIR, .deb ($depends) and $name.tar.gz checked"
