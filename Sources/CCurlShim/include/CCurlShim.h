// A small, non-variadic HTTP GET over libcurl, loaded with dlopen() on the first fetch.
// Swift cannot call curl_easy_setopt (variadic), and the offline path must never load libcurl,
// so this header names no curl type: <curl/curl.h> is included by the .c file only.
#ifndef JWTAUDIT_CCURLSHIM_H
#define JWTAUDIT_CCURLSHIM_H
#include <stddef.h>

/// Why a transfer failed, in the categories the CLI reports (curl's own code and message are kept too).
enum jwtaudit_http_failure {
    JWTAUDIT_HTTP_OK = 0,
    JWTAUDIT_HTTP_LOAD_FAILED = 1,      // libcurl.so.4 could not be loaded or lacks a symbol
    JWTAUDIT_HTTP_DNS = 2,              // host (or proxy) name did not resolve
    JWTAUDIT_HTTP_CONNECT = 3,          // connection refused / unreachable
    JWTAUDIT_HTTP_TIMEOUT = 4,          // connect or transfer timeout
    JWTAUDIT_HTTP_TLS = 5,              // handshake or certificate verification failed
    JWTAUDIT_HTTP_TOO_MANY_REDIRECTS = 6,
    JWTAUDIT_HTTP_PROTOCOL_REFUSED = 7, // a URL or redirect target with a scheme that is not allowed
    JWTAUDIT_HTTP_OVERSIZE = 8,         // body larger than max_body_bytes
    JWTAUDIT_HTTP_OTHER = 9,
    JWTAUDIT_HTTP_CA_FILE = 10,         // the ca_file could not be read or holds no usable certificate
    JWTAUDIT_HTTP_ABORTED = 11          // jwtaudit_http_abort_all() was called (an interrupt)
};

struct jwtaudit_http_request {
    const char *url;
    long timeout_seconds;          // CURLOPT_CONNECTTIMEOUT and CURLOPT_TIMEOUT
    const char *ca_file;           // CURLOPT_CAINFO, or NULL for the system store
    int allow_http;                // 1: "https,http" for the first request; redirects stay https-only
    const char *user_agent;
    size_t max_body_bytes;
    long max_redirects;
    const char *proxy;             // CURLOPT_PROXY; "" disables proxies (and libcurl's own env lookup)
    const char *no_proxy;          // CURLOPT_NOPROXY, or NULL
};

struct jwtaudit_http_response {
    long status;                   // last response's HTTP status (0 if none)
    unsigned char *body;           // malloc'd; free with jwtaudit_http_response_free
    size_t body_length;
    char *cache_control;           // last response's Cache-Control value, or NULL
    char *content_type;            // last response's Content-Type value, or NULL
    char *effective_url;           // URL of the last request, or NULL
    int failure;                   // enum jwtaudit_http_failure
    int curl_code;                 // CURLcode, 0 on success
    char message[512];             // curl's error buffer (or strerror text)
};

/// Performs one GET. Returns `failure` (0 when a response, of any status, was received in full).
int jwtaudit_http_get(const struct jwtaudit_http_request *request, struct jwtaudit_http_response *response);
void jwtaudit_http_response_free(struct jwtaudit_http_response *response);
/// 1 once libcurl has been dlopen()ed by this process, else 0.
int jwtaudit_curl_is_loaded(void);
/// Makes every transfer in progress, and every later one, stop at once with JWTAUDIT_HTTP_ABORTED: libcurl's
/// progress callback checks the flag (about once a second while a server is silent, more often while data flows).
/// Async-signal-safe (one atomic store): a SIGINT handler calls it.
void jwtaudit_http_abort_all(void);

#endif
