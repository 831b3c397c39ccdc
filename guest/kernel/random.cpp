#include "random.hpp"

#include "nabla/platform.h"

#include <stdint.h>
#include <string.h>

namespace nabla::kernel {
namespace {

uint32_t rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }

void quarter(uint32_t* x, int a, int b, int c, int d) {
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

// One ChaCha20 block (RFC 8439) for key, counter, nonce.
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]) {
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    memcpy(in + 4, key, 32);
    in[12] = counter;
    memcpy(in + 13, nonce, 12);
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        quarter(x, 0, 4, 8, 12); quarter(x, 1, 5, 9, 13); quarter(x, 2, 6, 10, 14); quarter(x, 3, 7, 11, 15);
        quarter(x, 0, 5, 10, 15); quarter(x, 1, 6, 11, 12); quarter(x, 2, 7, 8, 13); quarter(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) x[i] += in[i];
    memcpy(out, x, 64);
}

struct State {
    uint32_t key[8];
    uint32_t nonce[3];
    uint8_t buf[64 * 4];
    size_t left = 0;
    bool seeded = false;
} st;

void refill() {
    if (!st.seeded) {
        const auto* bi = nabla_boot_info();
        memcpy(st.key, bi->entropy + 16, 32);  // bytes 0..15 are the stack canary and AT_RANDOM
        memcpy(st.nonce, bi->entropy + 48, 12);
        st.seeded = true;
    }
    uint8_t block[64 * 5];
    for (uint32_t i = 0; i < 5; i++) chacha20_block(st.key, i, st.nonce, block + 64 * i);
    memcpy(st.key, block, 32); // the first 32 bytes become the next key
    memcpy(st.buf, block + 64, sizeof st.buf);
    memset(block, 0, sizeof block);
    st.left = sizeof st.buf;
}

} // namespace

void random_bytes(void* out, size_t len) {
    auto* p = static_cast<uint8_t*>(out);
    while (len > 0) {
        if (st.left == 0) refill();
        size_t n = len < st.left ? len : st.left;
        uint8_t* from = st.buf + sizeof st.buf - st.left;
        memcpy(p, from, n);
        memset(from, 0, n);
        st.left -= n;
        p += n;
        len -= n;
    }
}

} // namespace nabla::kernel
