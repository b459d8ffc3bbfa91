# jwtaudit: build, install and package, over `swift build -c release` (the release link flags are in
# Package.swift). Debian-style packaging needs dpkg-deb only: no debhelper.
#
#   make                                 build .build/release/jwtaudit
#   make startup-order                   regenerate link/startup.order (valgrind) and link again with it
#   make install [PREFIX=~/.local]       install the five files below (PREFIX defaults to /usr/local;
#                [DESTDIR=stage]          DESTDIR stages them under DESTDIR/PREFIX)
#   make uninstall [PREFIX=...]          remove exactly those five files
#   make deb OUT=DIR                     DIR/jwtaudit_VERSION_ARCH.deb
#   make dist OUT=DIR                    DIR/jwtaudit-VERSION-linux-ARCH.tar.gz (bin/, share/, LICENSE, README.md)
#
# The version is OptionTable.version, read back from the built binary's --version, so there is one place to
# change it.

PREFIX ?= /usr/local
DESTDIR ?=
OUT ?= dist
SWIFT ?= swift

BIN := .build/release/jwtaudit
# The commit --version names (Package.swift reads JWTAUDIT_COMMIT): this checkout's HEAD, "-dirty" when
# tracked files have changes; none when this directory is not the top of a git work tree (a source tarball).
ifeq ($(shell git rev-parse --show-toplevel 2>/dev/null),$(CURDIR))
COMMIT := $(shell git rev-parse --short=7 HEAD)$(shell git diff --quiet HEAD -- || echo -dirty)
endif
VERSION = $(shell $(BIN) --version | cut -d' ' -f2)

DEST = $(DESTDIR)$(PREFIX)
# What `make install` installs under PREFIX, and `make uninstall` removes.
FILES := bin/jwtaudit share/man/man1/jwtaudit.1 share/bash-completion/completions/jwtaudit \
	share/zsh/site-functions/_jwtaudit share/fish/vendor_completions.d/jwtaudit.fish

# Fetches dlopen() libcurl.so.4 (Sources/CCurlShim), which no ELF header names; CURLOPT_PROTOCOLS_STR, which
# the fetcher sets, arrived in libcurl 7.85.0. A compressed JWE (zip DEF) dlopen()s libz.so.1 (Sources/CZlibShim):
# inflateInit2_, inflate and inflateEnd, there since zlib 1.0 (Debian's zlib1g versions carry the epoch 1:).
DLOPENED := libcurl.so.4 7.85.0 libz.so.1 1:1.2.0
MAINTAINER ?= jwtaudit maintainers <maintainers@jwtaudit.invalid>
STAGE := .build/package
DEB_ARCH = $(shell dpkg --print-architecture)
DIST_NAME = jwtaudit-$(VERSION)-linux-$(shell uname -m)

.PHONY: all build startup-order install uninstall deb dist clean

all: build

# Always asks swift build, which does nothing when nothing changed (a new commit relinks only).
# --disable-local-rpath: an installed binary must not look for libraries beside itself ($ORIGIN).
build:
	JWTAUDIT_COMMIT=$(COMMIT) $(SWIFT) build -c release --product jwtaudit --disable-local-rpath

# `make install` alone builds first; after `make`, `sudo make install` does not rebuild as root.
$(BIN): Package.swift link/libstdc++.so link/startup.order $(shell find Sources -type f)
	$(MAKE) build

# Regenerates link/startup.order, the functions the release link places first (link/startup-order.sh, valgrind),
# from this build, then links again with it: swift build does not know that the link reads the file, so the
# executable is removed first.
startup-order: build
	link/startup-order.sh $(BIN)
	rm -f $(BIN)
	$(MAKE) build

# The binary is stripped (install -s): debug information is half its size, and users do not debug it.
install: $(BIN)
	install -d $(addprefix $(DEST)/,$(dir $(FILES)))
	install -m 755 -s $(BIN) $(DEST)/bin/jwtaudit
	install -m 644 man/jwtaudit.1 $(DEST)/share/man/man1/jwtaudit.1
	install -m 644 completions/jwtaudit.bash $(DEST)/share/bash-completion/completions/jwtaudit
	install -m 644 completions/_jwtaudit $(DEST)/share/zsh/site-functions/_jwtaudit
	install -m 644 completions/jwtaudit.fish $(DEST)/share/fish/vendor_completions.d/jwtaudit.fish

# The files only: directories such as PREFIX/bin stay, as they were there before or may hold other files.
uninstall:
	rm -f $(addprefix $(DEST)/,$(FILES))

# A binary package for this machine's Debian release (its Depends name this machine's library packages).
# Debian's zsh reads packages' completions from vendor-completions (site-functions is /usr/local's), and
# Debian gzips manual pages. Packages always ask swift build first, so that --version names this commit.
deb: build
	rm -rf $(STAGE)/deb && mkdir -p $(STAGE)/deb/DEBIAN $(OUT)
	$(MAKE) --no-print-directory install DESTDIR=$(STAGE)/deb PREFIX=/usr
	mv $(STAGE)/deb/usr/share/zsh/site-functions $(STAGE)/deb/usr/share/zsh/vendor-completions
	gzip -9n $(STAGE)/deb/usr/share/man/man1/jwtaudit.1
	install -d $(STAGE)/deb/usr/share/doc/jwtaudit
	packaging/deb-copyright.sh LICENSE > $(STAGE)/deb/usr/share/doc/jwtaudit/copyright
	{ echo "Package: jwtaudit"; \
	  echo "Version: $(VERSION)"; \
	  echo "Architecture: $(DEB_ARCH)"; \
	  echo "Maintainer: $(MAINTAINER)"; \
	  echo "Installed-Size: $$(du -sk $(STAGE)/deb/usr | cut -f1)"; \
	  echo "Depends: $$(packaging/deb-depends.sh $(BIN) $(DLOPENED))"; \
	  echo "Section: utils"; \
	  echo "Priority: optional"; \
	  echo "Description: inspect and audit JWTs from Microsoft Entra ID and Azure API Management"; \
	  echo " jwtaudit decodes, verifies and explains the JSON Web Tokens Entra ID issues, above all"; \
	  echo " whether the client authenticated with a certificate, a client secret or not at all, and"; \
	  echo " tells whether an Azure API Management validate-jwt policy would accept a token."; \
	} > $(STAGE)/deb/DEBIAN/control
	cd $(STAGE)/deb && find usr -type f -exec md5sum {} + > DEBIAN/md5sums
	dpkg-deb --root-owner-group --build $(STAGE)/deb $(OUT)/jwtaudit_$(VERSION)_$(DEB_ARCH).deb

# A tarball for other distributions: one top directory holding bin/ and share/ as under PREFIX.
dist: build
	rm -rf $(STAGE)/dist && mkdir -p $(OUT)
	$(MAKE) --no-print-directory install DESTDIR= PREFIX=$(CURDIR)/$(STAGE)/dist/$(DIST_NAME)
	install -m 644 LICENSE README.md $(STAGE)/dist/$(DIST_NAME)/
	tar -C $(STAGE)/dist --owner=0 --group=0 --numeric-owner --sort=name -czf $(OUT)/$(DIST_NAME).tar.gz $(DIST_NAME)

clean:
	rm -rf $(STAGE)
	$(SWIFT) package clean
