// Raw DEFLATE (RFC 1951) decompression over zlib, loaded with dlopen() on first use.
// JWE "zip": "DEF" (RFC 7516 §4.1.3) is rare, and the offline verify path must not pay for a library it never
// uses: `-lz` would add libz.so.1 to every start of the binary. This header names no zlib type; <zlib.h> is
// included by the .c file only.
#ifndef JWTAUDIT_CZLIBSHIM_H
#define JWTAUDIT_CZLIBSHIM_H
#include <stddef.h>

/// What `jwtaudit_inflate_raw` found.
enum jwtaudit_inflate_result {
    JWTAUDIT_INFLATE_OK = 0,
    JWTAUDIT_INFLATE_LOAD_FAILED = 1,   // libz.so.1 could not be loaded or lacks a symbol (message says which)
    JWTAUDIT_INFLATE_DATA_ERROR = 2,    // not a valid raw DEFLATE stream
    JWTAUDIT_INFLATE_TOO_LARGE = 3,     // the output would exceed output_capacity
    JWTAUDIT_INFLATE_TRUNCATED = 4,     // the stream ends before its last block
    JWTAUDIT_INFLATE_TRAILING_DATA = 5, // bytes follow the end of the stream
    JWTAUDIT_INFLATE_OTHER = 6          // zlib could not start (memory, version)
};

/// Inflates `input` (raw DEFLATE, no zlib or gzip wrapper) into `output`, writing at most `output_capacity`
/// bytes and the count to `*output_length` (also on failure, so that the caller can wipe them). On failure
/// `message` holds a short reason (NUL-terminated).
int jwtaudit_inflate_raw(const unsigned char *input, size_t input_length, unsigned char *output,
                         size_t output_capacity, size_t *output_length, char *message, size_t message_capacity);
/// 1 once libz.so.1 has been dlopen()ed by this process, else 0.
int jwtaudit_zlib_is_loaded(void);

#endif
