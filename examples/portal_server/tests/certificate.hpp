// A throwaway certificate for the portal server's tests: a P-256 key and a one-hour self-signed
// certificate for localhost and 127.0.0.1, written as PEM files. It is its own CA (CA:TRUE), so a
// client can be told to trust exactly it.
#pragma once

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <string>
#include <utility>

namespace portal::test {

inline void write_test_certificate(const std::string& cert_path, const std::string& key_path) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    REQUIRE(key);
    X509* x = X509_new();
    REQUIRE(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (auto [nid, text] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                             std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, text);
        REQUIRE(ext);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    REQUIRE(X509_sign(x, key, EVP_sha256()) > 0);
    FILE* c = std::fopen(cert_path.c_str(), "w");
    FILE* k = std::fopen(key_path.c_str(), "w");
    REQUIRE(c);
    REQUIRE(k);
    CHECK(PEM_write_X509(c, x) == 1);
    CHECK(PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    std::fclose(c);
    std::fclose(k);
    X509_free(x);
    EVP_PKEY_free(key);
}

}  // namespace portal::test
