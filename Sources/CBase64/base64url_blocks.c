// The vector step of strict base64url decoding, after Muła & Lemire, "Faster Base64 Encoding and Decoding Using
// AVX2 Instructions", ACM Transactions on the Web 12(3), 2018 (arXiv:1704.00605).
//
// Why: in `verify --batch` the base64url decoding of a token's three segments was the largest single Swift
// function of the profile (issue 22): about 2.9k instructions a token for the ~1,200 characters of header and
// payload and 1.3k for an RS256 signature's 342, at ~2.5 instructions a character through lookup tables. This
// step classifies, translates and packs 32 characters in 23 instructions, the loop included (about 0.7 a
// character): an RS256 token's decoding then takes 1.4k instructions rather than 4.2k, an HS256 token's 1.1k
// rather than 3.2k (callgrind, `verify --batch`).
//
// The method, per block of 32 characters in one 256-bit register:
// 1. Classify with two nibble lookups (`vpshufb` works on 16-byte tables, one per 128-bit lane): `lut_hi[high
//    nibble]` is a bit naming the character's row of 16, `lut_lo[low nibble]` sets the bit of every row in which
//    that column is NOT in the alphabet. A character is outside the alphabet exactly when the AND of the two is
//    non-zero, so one `vptest` of the whole block says "all valid" or "stop here".
// 2. Translate: add to each character the offset of its row (`lut_roll[high nibble]`), so 'A'..'Z' become 0..25,
//    'a'..'z' 26..51, '0'..'9' 52..61, '-' 62, '_' 63.
// 3. Pack 4 x 6 bits to 3 bytes: `vpmaddubsw` joins pairs into 12 bits, `vpmaddwd` pairs of those into 24,
//    `vpshufb` puts the three bytes of each 32-bit word in output order (12 bytes a lane) and `vpermd` closes the
//    gap between the lanes: 24 bytes in the low part of the register, stored with one unaligned 32-byte store.
//
// base64url (RFC 4648 §5) has '-' and '_' where the paper's base64 has '+' and '/', so the tables differ:
// - Row 2 (0x20-0x2F) admits only column D ('-', 0x2D) rather than B and F ('+', '/'); its offset is +17
//   (45 -> 62) rather than +19.
// - '_' (0x5F) sits in row 5 with 'P'..'Z' (0x50-0x5A), so row 5 admits columns 0..A and F, and '_' needs an
//   offset other than its row's -65: one byte compare with '_' adds 33 (95 - 65 + 33 = 63). The paper makes the
//   same kind of exception for '/', which shares row 2 with '+'.
// - Rows 4 and 6 ('@'/'`' then 'A'..'O' / 'a'..'o') have the same shape and share a bit; rows 0, 1 and 8..F
//   (controls, punctuation and every byte >= 0x80) have a bit that every column sets: never valid.
#include "CBase64.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// Row bits of `lut_hi`, and which columns each row refuses (`lut_lo`).
enum {
    ROW_NEVER = 0x01,    // rows 0, 1, 8..F
    ROW_2 = 0x02,        // only D ('-')
    ROW_3 = 0x04,        // 0..9 ('0'..'9')
    ROW_4_6 = 0x08,      // 1..F ('A'..'O', 'a'..'o')
    ROW_5 = 0x10,        // 0..A and F ('P'..'Z', '_')
    ROW_7 = 0x20,        // 0..A ('p'..'z')
};

#define LUT_LO_ROW                                                                                         \
    ROW_NEVER | ROW_2 | ROW_4_6,                   /* 0 */                                                  \
    ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, ROW_NEVER | ROW_2,           \
    ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, ROW_NEVER | ROW_2, /* 1..9 */                  \
    ROW_NEVER | ROW_2 | ROW_3,                     /* A */                                                  \
    ROW_NEVER | ROW_2 | ROW_3 | ROW_5 | ROW_7,     /* B */                                                  \
    ROW_NEVER | ROW_2 | ROW_3 | ROW_5 | ROW_7,     /* C */                                                  \
    ROW_NEVER | ROW_3 | ROW_5 | ROW_7,             /* D: '-' in row 2 */                                    \
    ROW_NEVER | ROW_2 | ROW_3 | ROW_5 | ROW_7,     /* E */                                                  \
    ROW_NEVER | ROW_2 | ROW_3 | ROW_7              /* F: '_' in row 5 */

#define LUT_HI_ROW                                                                                         \
    ROW_NEVER, ROW_NEVER, ROW_2, ROW_3, ROW_4_6, ROW_5, ROW_4_6, ROW_7,                                    \
    ROW_NEVER, ROW_NEVER, ROW_NEVER, ROW_NEVER, ROW_NEVER, ROW_NEVER, ROW_NEVER, ROW_NEVER

/// The offset from a character to its six-bit value, by row (rows that hold no valid character: 0).
#define LUT_ROLL_ROW 0, 0, 62 - '-', 52 - '0', 0 - 'A', 15 - 'P', 26 - 'a', 41 - 'p', 0, 0, 0, 0, 0, 0, 0, 0

/// Each 32-bit word holds one group's 24 bits, most significant byte third: take bytes 2, 1, 0 of each word, four
/// words a lane (zeros after them).
#define PACK_LANE 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1

__attribute__((target("avx2")))
static size_t decode_blocks_avx2(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity) {
    // Block i reads in[32i, 32i + 32) and stores to out[24i, 24i + 32).
    size_t blocks = count / 32;
    size_t storable = out_capacity < 32 ? 0 : (out_capacity - 32) / 24 + 1;
    if (storable < blocks) blocks = storable;

    const __m256i lut_lo = _mm256_setr_epi8(LUT_LO_ROW, LUT_LO_ROW);
    const __m256i lut_hi = _mm256_setr_epi8(LUT_HI_ROW, LUT_HI_ROW);
    const __m256i lut_roll = _mm256_setr_epi8(LUT_ROLL_ROW, LUT_ROLL_ROW);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i underscore = _mm256_set1_epi8('_');
    const __m256i underscore_fix = _mm256_set1_epi8(63 - ('_' + 15 - 'P'));
    const __m256i merge_pairs = _mm256_set1_epi32(0x01400140);   // a * 64 + b, for each pair of characters
    const __m256i merge_quads = _mm256_set1_epi32(0x00011000);   // ab * 4096 + cd, for each pair of pairs
    const __m256i pack_lanes = _mm256_setr_epi8(PACK_LANE, PACK_LANE);
    // The last two words are stored but not used: any word will do, and naming a non-zero one spares the
    // compiler's blend of zeros into them.
    const __m256i pack_halves = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 0, 0);

    size_t done = 0;
    for (; done < blocks; done++) {
        const __m256i chars = _mm256_loadu_si256((const __m256i *)(in + 32 * done));
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(chars, 4), nibble);
        const __m256i lo = _mm256_and_si256(chars, nibble);
        if (!_mm256_testz_si256(_mm256_shuffle_epi8(lut_lo, lo), _mm256_shuffle_epi8(lut_hi, hi))) break;
        __m256i roll = _mm256_shuffle_epi8(lut_roll, hi);
        roll = _mm256_add_epi8(roll, _mm256_and_si256(_mm256_cmpeq_epi8(chars, underscore), underscore_fix));
        const __m256i values = _mm256_add_epi8(chars, roll);
        const __m256i pairs = _mm256_maddubs_epi16(values, merge_pairs);
        const __m256i groups = _mm256_madd_epi16(pairs, merge_quads);
        const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(groups, pack_lanes), pack_halves);
        _mm256_storeu_si256((__m256i *)(out + 24 * done), packed);
    }
    return done * 32;
}

/// 0 not yet asked, 1 AVX2, 2 none. Batch workers call concurrently: each may ask the CPU once, all get the same
/// answer, and relaxed atomics keep the word itself race-free.
static int avx2_state;

size_t jwtaudit_base64url_decode_blocks(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity) {
    int state = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
    if (state == 0) {
        // The runtime's constructor has filled the CPU model before main(); the call is for the rule's sake and
        // returns at once. The check includes the OS's consent to the 256-bit register state (XGETBV).
        __builtin_cpu_init();
        state = __builtin_cpu_supports("avx2") ? 1 : 2;
        __atomic_store_n(&avx2_state, state, __ATOMIC_RELAXED);
    }
    return state == 1 ? decode_blocks_avx2(in, count, out, out_capacity) : 0;
}

#else

size_t jwtaudit_base64url_decode_blocks(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity) {
    (void)in;
    (void)count;
    (void)out;
    (void)out_capacity;
    return 0;
}

#endif
