/* Error codes shared by every layer. Functions that can fail return one of
 * these (0 = ok) and write their results through out-parameters. */
#ifndef ETHC_ERROR_H
#define ETHC_ERROR_H

/* On functions whose int result says whether they did their job: a caller that
 * drops it is a compile error under -Werror (gcc and clang). */
#if defined(__GNUC__)
#define ETHC_MUST_USE __attribute__((warn_unused_result))
#else
#define ETHC_MUST_USE
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ETHC_OK = 0,
  /* input syntax */
  ETHC_ERR_HEX,              /* bad hex digit, odd length, missing 0x */
  ETHC_ERR_JSON,             /* malformed or missing JSON field */
  ETHC_ERR_RLP_TRUNCATED,    /* an item runs past the end of its input */
  ETHC_ERR_RLP_NONCANONICAL, /* a valid but non-minimal RLP encoding */
  ETHC_ERR_RLP_TRAILING,     /* bytes after the top-level item */
  ETHC_ERR_RLP_TYPE,         /* a list where a string was expected, or the reverse */
  ETHC_ERR_RLP_SIZE,         /* a string of the wrong size for its field */
  ETHC_ERR_RLP_COUNT,        /* a list with the wrong number of items */
  ETHC_ERR_OVERFLOW,         /* a number too large for its field */
  /* transactions */
  ETHC_ERR_TX_TYPE,          /* unknown or not-yet-active transaction type */
  ETHC_ERR_TX_SIGNATURE,     /* invalid v, r, s or unrecoverable signature */
  ETHC_ERR_TX_CHAIN_ID,      /* chain id not allowed or wrong */
  ETHC_ERR_TX_INTRINSIC_GAS, /* gas limit below the intrinsic gas */
  ETHC_ERR_TX_INVALID,       /* any other validity rule of the fork */
  /* generic */
  ETHC_ERR_NOT_FOUND,
  ETHC_ERR_INVALID, /* invalid argument or state */
  ETHC_ERR_NOMEM,
  ETHC_ERR_IO,
  ETHC_ERR_UNSUPPORTED,
  ETHC_ERR_MISSING_NODE, /* a trie node the store should hold is not there */
  ETHC_ERR_LIMIT,        /* a result would exceed the caller's maximum size */
  ETHC_ERR_RANGE,        /* a range whose start lies after its end */
  ETHC_ERR__COUNT
} ethc_err_t;

/* A short English message for every code ("ok" for ETHC_OK). */
const char *ethc_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
