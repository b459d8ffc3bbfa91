// The vector step of strict base64url decoding (Base64URL.decodeContiguous in JWTAuditCore): whole blocks of 32
// characters with AVX2. Everything else (errors, the tail, the 4n+1 length rule, the canonical trailing bits)
// stays in Swift, which continues where this stops.
#ifndef JWTAUDIT_CBASE64_H
#define JWTAUDIT_CBASE64_H
#include <stddef.h>
#include <stdint.h>

/// Decodes whole 32-character blocks of base64url (A-Z a-z 0-9 - _) from the start of `in` into `out`, 24 bytes a
/// block, and returns how many characters it consumed: a multiple of 32, and 3/4 of it is what it wrote.
///
/// It stops before the first block holding any byte outside the alphabet (padding, '+', '/', anything), before
/// a block that `count` does not hold whole, and before a block whose 32-byte vector store would reach past
/// `out + out_capacity` (a block's store writes 8 bytes beyond its 24: the next block, or the caller's scalar
/// code, overwrites them). It never reads past `in + count` and never writes past `out + out_capacity`.
///
/// Without AVX2 (checked once, at the first call) it returns 0 and the caller decodes everything.
size_t jwtaudit_base64url_decode_blocks(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity);

#endif
