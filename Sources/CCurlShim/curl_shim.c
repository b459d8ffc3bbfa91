// libcurl, loaded on demand. Never linked: `-lcurl` would make every run (even an offline decode) pay for
// loading libcurl, libssl, libnghttp2, libssh… at start-up. dlopen() happens on the first fetch only.
#define CURL_DISABLE_TYPECHECK 1
#include "CCurlShim.h"
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

typedef CURLcode (*global_init_fn)(long);
typedef CURL *(*easy_init_fn)(void);
typedef CURLcode (*easy_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*easy_perform_fn)(CURL *);
typedef CURLcode (*easy_getinfo_fn)(CURL *, CURLINFO, ...);
typedef void (*easy_cleanup_fn)(CURL *);
typedef const char *(*easy_strerror_fn)(CURLcode);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef void (*slist_free_all_fn)(struct curl_slist *);

static struct {
    void *handle;
    global_init_fn global_init;
    easy_init_fn easy_init;
    easy_setopt_fn setopt;
    easy_perform_fn perform;
    easy_getinfo_fn getinfo;
    easy_cleanup_fn cleanup;
    easy_strerror_fn strerror;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    int ready;
    char error[256];
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(curl.error, sizeof curl.error, "cannot load libcurl.so.4: %s", e ? e : "unknown error");
        return;
    }
#define RESOLVE(field, type, name)                                                                   \
    curl.field = (type)dlsym(h, name);                                                               \
    if (!curl.field) {                                                                               \
        snprintf(curl.error, sizeof curl.error, "libcurl.so.4 has no symbol %s", name);              \
        return;                                                                                      \
    }
    RESOLVE(global_init, global_init_fn, "curl_global_init")
    RESOLVE(easy_init, easy_init_fn, "curl_easy_init")
    RESOLVE(setopt, easy_setopt_fn, "curl_easy_setopt")
    RESOLVE(perform, easy_perform_fn, "curl_easy_perform")
    RESOLVE(getinfo, easy_getinfo_fn, "curl_easy_getinfo")
    RESOLVE(cleanup, easy_cleanup_fn, "curl_easy_cleanup")
    RESOLVE(strerror, easy_strerror_fn, "curl_easy_strerror")
    RESOLVE(slist_append, slist_append_fn, "curl_slist_append")
    RESOLVE(slist_free_all, slist_free_all_fn, "curl_slist_free_all")
#undef RESOLVE
    curl.handle = h;
    // curl_global_init is not thread-safe before 7.84; pthread_once makes it run exactly once.
    CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(curl.error, sizeof curl.error, "curl_global_init failed (%d)", (int)rc);
        return;
    }
    __atomic_store_n(&curl.ready, 1, __ATOMIC_RELEASE);
}

int jwtaudit_curl_is_loaded(void) { return __atomic_load_n(&curl.ready, __ATOMIC_ACQUIRE); }

static int abort_requested;

void jwtaudit_http_abort_all(void) { __atomic_store_n(&abort_requested, 1, __ATOMIC_RELAXED); }

static int should_abort(void) { return __atomic_load_n(&abort_requested, __ATOMIC_RELAXED); }

// CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer with CURLE_ABORTED_BY_CALLBACK. libcurl calls it
// while connecting and waiting too, not only while bytes arrive, so a stalled server cannot outlast an interrupt.
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)userdata; (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return should_abort();
}

struct transfer {
    struct jwtaudit_http_response *response;
    size_t capacity;
    size_t limit;
    int oversize;
};

static size_t on_body(char *data, size_t size, size_t count, void *userdata) {
    struct transfer *t = userdata;
    size_t n = size * count;
    struct jwtaudit_http_response *r = t->response;
    if (n > t->limit - r->body_length) { // r->body_length <= limit always holds
        t->oversize = 1;
        return 0; // CURLE_WRITE_ERROR: abort the transfer
    }
    if (r->body_length + n > t->capacity) {
        size_t want = t->capacity ? t->capacity : 16384;
        while (want < r->body_length + n) want *= 2;
        if (want > t->limit) want = t->limit;
        unsigned char *grown = realloc(r->body, want);
        if (!grown) return 0;
        r->body = grown;
        t->capacity = want;
    }
    memcpy(r->body + r->body_length, data, n);
    r->body_length += n;
    return n;
}

static size_t on_header(char *data, size_t size, size_t count, void *userdata) {
    struct transfer *t = userdata;
    size_t n = size * count;
    struct jwtaudit_http_response *r = t->response;
    // A new status line starts a new response (after a redirect): forget the previous one's headers.
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        free(r->cache_control);
        r->cache_control = NULL;
        return n;
    }
    static const char name[] = "cache-control:";
    size_t name_len = sizeof name - 1;
    if (n > name_len && strncasecmp(data, name, name_len) == 0) {
        const char *v = data + name_len;
        size_t len = n - name_len;
        while (len && (*v == ' ' || *v == '\t')) { v++; len--; }
        while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
        char *copy = malloc(len + 1);
        if (!copy) return 0;
        memcpy(copy, v, len);
        copy[len] = 0;
        free(r->cache_control);
        r->cache_control = copy;
    }
    return n;
}

static int classify(CURLcode rc, int oversize) {
    switch (rc) {
    case CURLE_OK: return JWTAUDIT_HTTP_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return JWTAUDIT_HTTP_DNS;
    case CURLE_COULDNT_CONNECT: return JWTAUDIT_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return JWTAUDIT_HTTP_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_USE_SSL_FAILED: return JWTAUDIT_HTTP_TLS;
    case CURLE_SSL_CACERT_BADFILE: return JWTAUDIT_HTTP_CA_FILE;
    case CURLE_TOO_MANY_REDIRECTS: return JWTAUDIT_HTTP_TOO_MANY_REDIRECTS;
    case CURLE_UNSUPPORTED_PROTOCOL: return JWTAUDIT_HTTP_PROTOCOL_REFUSED;
    case CURLE_FILESIZE_EXCEEDED: return JWTAUDIT_HTTP_OVERSIZE;
    case CURLE_WRITE_ERROR: return oversize ? JWTAUDIT_HTTP_OVERSIZE : JWTAUDIT_HTTP_OTHER;
    case CURLE_ABORTED_BY_CALLBACK: return JWTAUDIT_HTTP_ABORTED;
    default: return JWTAUDIT_HTTP_OTHER;
    }
}

int jwtaudit_http_get(const struct jwtaudit_http_request *q, struct jwtaudit_http_response *r) {
    memset(r, 0, sizeof *r);
    if (should_abort()) {
        snprintf(r->message, sizeof r->message, "interrupted");
        return r->failure = JWTAUDIT_HTTP_ABORTED;
    }
    pthread_once(&load_once, load_curl);
    if (!jwtaudit_curl_is_loaded()) {
        snprintf(r->message, sizeof r->message, "%s", curl.error);
        return r->failure = JWTAUDIT_HTTP_LOAD_FAILED;
    }
    CURL *easy = curl.easy_init();
    if (!easy) {
        snprintf(r->message, sizeof r->message, "curl_easy_init failed");
        return r->failure = JWTAUDIT_HTTP_OTHER;
    }
    struct transfer t = {.response = r, .capacity = 0, .limit = q->max_body_bytes, .oversize = 0};
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = 0;
    struct curl_slist *headers = curl.slist_append(NULL, "Accept: application/json");

    CURLcode rc = CURLE_OK;
#define SET(opt, value)                                                                              \
    if (rc == CURLE_OK) rc = curl.setopt(easy, opt, value)
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_URL, q->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, q->allow_http ? "https,http" : "https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, q->max_redirects);
    SET(CURLOPT_CONNECTTIMEOUT, q->timeout_seconds);
    SET(CURLOPT_TIMEOUT, q->timeout_seconds);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (q->ca_file) SET(CURLOPT_CAINFO, q->ca_file);
    SET(CURLOPT_USERAGENT, q->user_agent);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)q->max_body_bytes);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &t);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &t);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_NOPROGRESS, 0L);
    if (q->proxy) SET(CURLOPT_PROXY, q->proxy);
    if (q->no_proxy) SET(CURLOPT_NOPROXY, q->no_proxy);
#undef SET
    if (rc == CURLE_OK) rc = curl.perform(easy);

    long status = 0;
    curl.getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    r->status = status;
    char *effective = NULL;
    if (curl.getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) r->effective_url = strdup(effective);
    char *content_type = NULL;
    if (curl.getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type) r->content_type = strdup(content_type);
    r->curl_code = (int)rc;
    r->failure = classify(rc, t.oversize);
    if (rc != CURLE_OK) {
        snprintf(r->message, sizeof r->message, "%s", errbuf[0] ? errbuf : curl.strerror(rc));
        size_t len = strlen(r->message);
        while (len && (r->message[len - 1] == '\n' || r->message[len - 1] == ' ')) r->message[--len] = 0;
    }
    curl.slist_free_all(headers);
    curl.cleanup(easy);
    return r->failure;
}

void jwtaudit_http_response_free(struct jwtaudit_http_response *r) {
    free(r->body);
    free(r->cache_control);
    free(r->effective_url);
    free(r->content_type);
    r->body = NULL;
    r->cache_control = NULL;
    r->effective_url = NULL;
    r->content_type = NULL;
}
