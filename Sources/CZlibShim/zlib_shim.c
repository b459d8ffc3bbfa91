// zlib, loaded on demand (see CZlibShim.h). Never linked with -lz: the dynamic loader would map libz.so.1 at
// every start, and only a compressed JWE ever needs it.
#include "CZlibShim.h"
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

typedef int (*inflate_init2_fn)(z_streamp, int, const char *, int);
typedef int (*inflate_fn)(z_streamp, int);
typedef int (*inflate_end_fn)(z_streamp);

static struct {
    inflate_init2_fn init2;
    inflate_fn inflate;
    inflate_end_fn end;
    int ready;
    char error[256];
} zlib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load_zlib(void) {
    void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(zlib.error, sizeof zlib.error, "cannot load libz.so.1: %s", e ? e : "unknown error");
        return;
    }
#define RESOLVE(field, type, name)                                                         \
    zlib.field = (type)dlsym(h, name);                                                     \
    if (!zlib.field) {                                                                     \
        snprintf(zlib.error, sizeof zlib.error, "libz.so.1 has no symbol %s", name);       \
        return;                                                                            \
    }
    RESOLVE(init2, inflate_init2_fn, "inflateInit2_")
    RESOLVE(inflate, inflate_fn, "inflate")
    RESOLVE(end, inflate_end_fn, "inflateEnd")
#undef RESOLVE
    __atomic_store_n(&zlib.ready, 1, __ATOMIC_RELEASE);
}

int jwtaudit_zlib_is_loaded(void) { return __atomic_load_n(&zlib.ready, __ATOMIC_ACQUIRE); }

static int fail(int result, char *message, size_t capacity, const char *text) {
    if (message && capacity) snprintf(message, capacity, "%s", text);
    return result;
}

int jwtaudit_inflate_raw(const unsigned char *input, size_t input_length, unsigned char *output,
                         size_t output_capacity, size_t *output_length, char *message, size_t message_capacity) {
    *output_length = 0;
    pthread_once(&load_once, load_zlib);
    if (!jwtaudit_zlib_is_loaded()) return fail(JWTAUDIT_INFLATE_LOAD_FAILED, message, message_capacity, zlib.error);
    if (input_length > UINT_MAX || output_capacity > UINT_MAX)
        return fail(JWTAUDIT_INFLATE_TOO_LARGE, message, message_capacity, "input or output beyond zlib's 4 GiB");

    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // windowBits -15: raw DEFLATE with a 32 KiB window, as RFC 7516 §4.1.3 ("DEF", RFC 1951) asks.
    if (zlib.init2(&stream, -MAX_WBITS, ZLIB_VERSION, (int)sizeof stream) != Z_OK)
        return fail(JWTAUDIT_INFLATE_OTHER, message, message_capacity, "zlib could not start inflating");
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_length;
    stream.next_out = output;
    stream.avail_out = (uInt)output_capacity;
    // One call with Z_FINISH: the whole input is in memory, and the output buffer is the limit.
    int rc = zlib.inflate(&stream, Z_FINISH);
    size_t produced = output_capacity - stream.avail_out;
    unsigned int left = stream.avail_in;
    const char *reason = stream.msg; // a static string in zlib, still valid after inflateEnd
    zlib.end(&stream);
    // Set on failure too, so the caller can wipe what was written.
    *output_length = produced;
    switch (rc) {
    case Z_STREAM_END:
        if (left != 0) return fail(JWTAUDIT_INFLATE_TRAILING_DATA, message, message_capacity, "bytes follow the end of the DEFLATE stream");
        return JWTAUDIT_INFLATE_OK;
    case Z_BUF_ERROR:
        if (produced == output_capacity)
            return fail(JWTAUDIT_INFLATE_TOO_LARGE, message, message_capacity, "the inflated content exceeds the limit");
        return fail(JWTAUDIT_INFLATE_TRUNCATED, message, message_capacity, "the DEFLATE stream ends before its last block");
    case Z_DATA_ERROR:
        return fail(JWTAUDIT_INFLATE_DATA_ERROR, message, message_capacity, reason ? reason : "invalid DEFLATE data");
    default:
        return fail(JWTAUDIT_INFLATE_OTHER, message, message_capacity, "zlib failed while inflating");
    }
}
