/* The RLPx handshake against the published vectors: EIP-8's auth/ack packets in
 * the pre-EIP-8 and EIP-8 formats (with extra list elements and versions) and
 * its derived secrets and ingress MAC; the older rlpx.md vectors (cpp-ethereum /
 * pydevp2p: plaintexts, secrets, initial MACs and both Hello frames); and a
 * round trip between an initiator and a recipient in both formats. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

static uint8_t *unhex(const char *h, size_t *len) {
  char *clean = malloc(strlen(h) + 1);
  size_t n = 0;
  for (const char *p = h; *p; p++)
    if (*p != ' ' && *p != '\n') clean[n++] = *p;
  clean[n] = 0;
  uint8_t *out = NULL;
  size_t l = 0;
  if (hex_decode_alloc(clean, false, &out, &l)) {
    fprintf(stderr, "bad hex in test\n");
    exit(2);
  }
  free(clean);
  if (len) *len = l;
  return out;
}

static void unhex_fixed(const char *h, uint8_t *out, size_t n) {
  size_t l;
  uint8_t *b = unhex(h, &l);
  if (l != n) exit(2);
  memcpy(out, b, n);
  free(b);
}

/* ---- EIP-8 ---- */
static const char *KEY_A = "49a7b37aa6f6645917e7b807e9d1c00d4fa71f18343b0d4122a4d2df64dd6fee";
static const char *KEY_B = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
static const char *EPH_A = "869d6ecf5211f1cc60418a13b9d870b22959d0c16f02bec714c960dd2298a32d";
static const char *EPH_B = "e238eb8e04fee6511ab04c6dd3c89ce097b11f25d584863ac2b6d5b35b1847e4";
static const char *NONCE_A = "7e968bba13b6c50e2c4cd7f241cc0d64d1ac25c7f5952df231ac6a2bda8ee5d6";
static const char *NONCE_B = "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd";

static const char *AUTH1 =
    "048ca79ad18e4b0659fab4853fe5bc58eb83992980f4c9cc147d2aa31532efd29a3d3dc6a3d89eaf"
    "913150cfc777ce0ce4af2758bf4810235f6e6ceccfee1acc6b22c005e9e3a49d6448610a58e98744"
    "ba3ac0399e82692d67c1f58849050b3024e21a52c9d3b01d871ff5f210817912773e610443a9ef14"
    "2e91cdba0bd77b5fdf0769b05671fc35f83d83e4d3b0b000c6b2a1b1bba89e0fc51bf4e460df3105"
    "c444f14be226458940d6061c296350937ffd5e3acaceeaaefd3c6f74be8e23e0f45163cc7ebd7622"
    "0f0128410fd05250273156d548a414444ae2f7dea4dfca2d43c057adb701a715bf59f6fb66b2d1d2"
    "0f2c703f851cbf5ac47396d9ca65b6260bd141ac4d53e2de585a73d1750780db4c9ee4cd4d225173"
    "a4592ee77e2bd94d0be3691f3b406f9bba9b591fc63facc016bfa8";
static const char *AUTH2 =
    "01b304ab7578555167be8154d5cc456f567d5ba302662433674222360f08d5f1534499d3678b513b"
    "0fca474f3a514b18e75683032eb63fccb16c156dc6eb2c0b1593f0d84ac74f6e475f1b8d56116b84"
    "9634a8c458705bf83a626ea0384d4d7341aae591fae42ce6bd5c850bfe0b999a694a49bbbaf3ef6c"
    "da61110601d3b4c02ab6c30437257a6e0117792631a4b47c1d52fc0f8f89caadeb7d02770bf999cc"
    "147d2df3b62e1ffb2c9d8c125a3984865356266bca11ce7d3a688663a51d82defaa8aad69da39ab6"
    "d5470e81ec5f2a7a47fb865ff7cca21516f9299a07b1bc63ba56c7a1a892112841ca44b6e0034dee"
    "70c9adabc15d76a54f443593fafdc3b27af8059703f88928e199cb122362a4b35f62386da7caad09"
    "c001edaeb5f8a06d2b26fb6cb93c52a9fca51853b68193916982358fe1e5369e249875bb8d0d0ec3"
    "6f917bc5e1eafd5896d46bd61ff23f1a863a8a8dcd54c7b109b771c8e61ec9c8908c733c0263440e"
    "2aa067241aaa433f0bb053c7b31a838504b148f570c0ad62837129e547678c5190341e4f1693956c"
    "3bf7678318e2d5b5340c9e488eefea198576344afbdf66db5f51204a6961a63ce072c8926c";
static const char *AUTH3 =
    "01b8044c6c312173685d1edd268aa95e1d495474c6959bcdd10067ba4c9013df9e40ff45f5bfd6f7"
    "2471f93a91b493f8e00abc4b80f682973de715d77ba3a005a242eb859f9a211d93a347fa64b597bf"
    "280a6b88e26299cf263b01b8dfdb712278464fd1c25840b995e84d367d743f66c0e54a586725b7bb"
    "f12acca27170ae3283c1073adda4b6d79f27656993aefccf16e0d0409fe07db2dc398a1b7e8ee93b"
    "cd181485fd332f381d6a050fba4c7641a5112ac1b0b61168d20f01b479e19adf7fdbfa0905f63352"
    "bfc7e23cf3357657455119d879c78d3cf8c8c06375f3f7d4861aa02a122467e069acaf513025ff19"
    "6641f6d2810ce493f51bee9c966b15c5043505350392b57645385a18c78f14669cc4d960446c1757"
    "1b7c5d725021babbcd786957f3d17089c084907bda22c2b2675b4378b114c601d858802a55345a15"
    "116bc61da4193996187ed70d16730e9ae6b3bb8787ebcaea1871d850997ddc08b4f4ea668fbf3740"
    "7ac044b55be0908ecb94d4ed172ece66fd31bfdadf2b97a8bc690163ee11f5b575a4b44e36e2bfb2"
    "f0fce91676fd64c7773bac6a003f481fddd0bae0a1f31aa27504e2a533af4cef3b623f4791b2cca6"
    "d490";
static const char *ACK1 =
    "049f8abcfa9c0dc65b982e98af921bc0ba6e4243169348a236abe9df5f93aa69d99cadddaa387662"
    "b0ff2c08e9006d5a11a278b1b3331e5aaabf0a32f01281b6f4ede0e09a2d5f585b26513cb794d963"
    "5a57563921c04a9090b4f14ee42be1a5461049af4ea7a7f49bf4c97a352d39c8d02ee4acc416388c"
    "1c66cec761d2bc1c72da6ba143477f049c9d2dde846c252c111b904f630ac98e51609b3b1f58168d"
    "dca6505b7196532e5f85b259a20c45e1979491683fee108e9660edbf38f3add489ae73e3dda2c71b"
    "d1497113d5c755e942d1";
static const char *ACK2 =
    "01ea0451958701280a56482929d3b0757da8f7fbe5286784beead59d95089c217c9b917788989470"
    "b0e330cc6e4fb383c0340ed85fab836ec9fb8a49672712aeabbdfd1e837c1ff4cace34311cd7f4de"
    "05d59279e3524ab26ef753a0095637ac88f2b499b9914b5f64e143eae548a1066e14cd2f4bd7f814"
    "c4652f11b254f8a2d0191e2f5546fae6055694aed14d906df79ad3b407d94692694e259191cde171"
    "ad542fc588fa2b7333313d82a9f887332f1dfc36cea03f831cb9a23fea05b33deb999e85489e645f"
    "6aab1872475d488d7bd6c7c120caf28dbfc5d6833888155ed69d34dbdc39c1f299be1057810f34fb"
    "e754d021bfca14dc989753d61c413d261934e1a9c67ee060a25eefb54e81a4d14baff922180c395d"
    "3f998d70f46f6b58306f969627ae364497e73fc27f6d17ae45a413d322cb8814276be6ddd13b885b"
    "201b943213656cde498fa0e9ddc8e0b8f8a53824fbd82254f3e2c17e8eaea009c38b4aa0a3f306e8"
    "797db43c25d68e86f262e564086f59a2fc60511c42abfb3057c247a8a8fe4fb3ccbadde17514b7ac"
    "8000cdb6a912778426260c47f38919a91f25f4b5ffb455d6aaaf150f7e5529c100ce62d6d92826a7"
    "1778d809bdf60232ae21ce8a437eca8223f45ac37f6487452ce626f549b3b5fdee26afd2072e4bc7"
    "5833c2464c805246155289f4";
static const char *ACK3 =
    "01f004076e58aae772bb101ab1a8e64e01ee96e64857ce82b1113817c6cdd52c09d26f7b90981cd7"
    "ae835aeac72e1573b8a0225dd56d157a010846d888dac7464baf53f2ad4e3d584531fa203658fab0"
    "3a06c9fd5e35737e417bc28c1cbf5e5dfc666de7090f69c3b29754725f84f75382891c561040ea1d"
    "dc0d8f381ed1b9d0d4ad2a0ec021421d847820d6fa0ba66eaf58175f1b235e851c7e2124069fbc20"
    "2888ddb3ac4d56bcbd1b9b7eab59e78f2e2d400905050f4a92dec1c4bdf797b3fc9b2f8e84a482f3"
    "d800386186712dae00d5c386ec9387a5e9c9a1aca5a573ca91082c7d68421f388e79127a5177d4f8"
    "590237364fd348c9611fa39f78dcdceee3f390f07991b7b47e1daa3ebcb6ccc9607811cb17ce51f1"
    "c8c2c5098dbdd28fca547b3f58c01a424ac05f869f49c6a34672ea2cbbc558428aa1fe48bbfd6115"
    "8b1b735a65d99f21e70dbc020bfdface9f724a0d1fb5895db971cc81aa7608baa0920abb0a565c9c"
    "436e2fd13323428296c86385f2384e408a31e104670df0791d93e743a3a5194ee6b076fb6323ca59"
    "3011b7348c16cf58f66b9633906ba54a2ee803187344b394f75dd2e663a57b956cb830dd7a908d4f"
    "39a2336a61ef9fda549180d4ccde21514d117b6c6fd07a9102b5efe710a32af4eeacae2cb3b1dec0"
    "35b9593b48b9d3ca4c13d245d5f04169b0b1";

/* Feeds a packet to a reader byte range by byte range as a socket would: first
 * fewer bytes than needed, then what it asks for. Returns the reader's result. */
typedef int (*reader_fn)(rlpx_handshake_t *, const uint8_t *, size_t, size_t *);
static int feed(reader_fn rd, rlpx_handshake_t *hs, const uint8_t *p, size_t len) {
  size_t have = 10, need = 0;
  for (int i = 0; i < 5; i++) {
    int rc = rd(hs, p, have, &need);
    if (rc) return rc;
    if (need == 0) return hs->initiator ? (hs->ack.len == len ? 0 : -1) : (hs->auth.len == len ? 0 : -1);
    if (need <= have || need > len) return -2;
    have = need;
  }
  return -3;
}

static void test_eip8_recipient(const char *auth_hex, bool want_plain, const char *ack_hex, bool check_secrets) {
  uint8_t kb[32], eb[32], nb[32], ka[32], pa[64], ea[32], pea[64], na[32];
  unhex_fixed(KEY_B, kb, 32);
  unhex_fixed(EPH_B, eb, 32);
  unhex_fixed(NONCE_B, nb, 32);
  unhex_fixed(KEY_A, ka, 32);
  unhex_fixed(EPH_A, ea, 32);
  unhex_fixed(NONCE_A, na, 32);
  CHECK(ethc_secp256k1_pubkey_create(ka, pa) == 0);
  CHECK(ethc_secp256k1_pubkey_create(ea, pea) == 0);
  size_t alen, klen;
  uint8_t *auth = unhex(auth_hex, &alen), *ack = unhex(ack_hex, &klen);
  rlpx_handshake_t b;
  CHECK(rlpx_hs_init_recipient(&b, kb, eb, nb) == 0);
  CHECK_MSG(feed(rlpx_hs_read_auth, &b, auth, alen) == 0, "auth %zu bytes", alen);
  CHECK(b.plain == want_plain);
  CHECK_MEM(b.remote, pa, 64);
  CHECK_MEM(b.remote_eph, pea, 64);
  CHECK_MEM(b.init_nonce, na, 32);
  /* the vector's ack stands for the one B sent */
  bytes_buf_append(&b.ack, ack, klen);
  rlpx_secrets_t sb;
  CHECK(rlpx_hs_secrets(&b, &sb) == 0);
  if (check_secrets) {
    uint8_t want_aes[32], want_mac[32], want_foo[32], got[32];
    unhex_fixed("80e8632c05fed6fc2a13b0f8d31a3cf645366239170ea067065aba8e28bac487", want_aes, 32);
    unhex_fixed("2ea74ec5dae199227dff1af715362700e989d889d7a493cb0639691efb8e5f98", want_mac, 32);
    unhex_fixed("0c7ec6340062cc46f5e9f1e3cf86f8c8c403c5a0964f5df0ebd34a75ddc86db5", want_foo, 32);
    CHECK_MEM(sb.aes, want_aes, 32);
    CHECK_MEM(sb.mac, want_mac, 32);
    keccak256_ctx_t in = sb.ingress;
    keccak256_update(&in, (const uint8_t *)"foo", 3);
    keccak256_final(&in, got);
    CHECK_MEM(got, want_foo, 32);
  }
  /* A's side: its auth (the vector's), then B's ack, gives the mirrored secrets */
  rlpx_handshake_t a;
  uint8_t pb[64], peb[64];
  CHECK(ethc_secp256k1_pubkey_create(kb, pb) == 0);
  CHECK(ethc_secp256k1_pubkey_create(eb, peb) == 0);
  CHECK(rlpx_hs_init_initiator(&a, ka, pb, ea, na) == 0);
  bytes_buf_append(&a.auth, auth, alen);
  CHECK(feed(rlpx_hs_read_ack, &a, ack, klen) == 0);
  CHECK_MEM(a.remote_eph, peb, 64);
  CHECK_MEM(a.resp_nonce, nb, 32);
  rlpx_secrets_t sa;
  CHECK(rlpx_hs_secrets(&a, &sa) == 0);
  CHECK_MEM(sa.aes, sb.aes, 32);
  CHECK_MEM(sa.mac, sb.mac, 32);
  uint8_t d1[32], d2[32];
  keccak256_final(&sa.egress, d1);
  keccak256_final(&sb.ingress, d2);
  CHECK_MEM(d1, d2, 32);
  keccak256_final(&sa.ingress, d1);
  keccak256_final(&sb.egress, d2);
  CHECK_MEM(d1, d2, 32);
  /* a wrong key cannot read the auth */
  rlpx_handshake_t c;
  size_t need;
  CHECK(rlpx_hs_init_recipient(&c, ka, NULL, NULL) == 0);
  int rc = rlpx_hs_read_auth(&c, auth, alen, &need);
  CHECK_MSG(rc == ETHC_ERR_INVALID || rc == ETHC_ERR_LIMIT || (rc == 0 && need > alen), "rc %d", rc);
  rlpx_hs_free(&a);
  rlpx_hs_free(&b);
  rlpx_hs_free(&c);
  free(auth);
  free(ack);
}

/* ---- the older rlpx.md vectors (pre-EIP-8 packets, Hello frames) ---- */
static const char *OLD_AUTH_PLAIN =
    "884c36f7ae6b406637c1f61b2f57e1d2cab813d24c6559aaf843c3f48962f32f46662c066d39669b7b2e3ba14781477417600e7728399278b1"
    "b5d801a519aa570034fdb5419558137e0d44cd13d319afe5629eeccb47fd9dfe55cc6089426e46cc762dd8a0636e07a54b31169eba0c7a20a1"
    "ac1ef68596f1f283b5c676bae4064abfcce24799d09f67e392632d3ffdc12e3d6430dcb0ea19c318343ffa7aae74d4cd26fecb93657d1cd9e9"
    "eaf4f8be720b56dd1d39f190c4e1c6b7ec66f077bb1100";
static const char *OLD_ACK_PLAIN =
    "802b052f8b066640bba94a4fc39d63815c377fced6fcb84d27f791c9921ddf3e9bf0108e298f490812847109cbd778fae393e80323fd643209"
    "841a3b7f110397f37ec61d84cea03dcc5e8385db93248584e8af4b4d1c832d8c7453c0089687a700";
static const char *OLD_AUTH =
    "04a0274c5951e32132e7f088c9bdfdc76c9d91f0dc6078e848f8e3361193dbdc43b94351ea3d89e4ff33ddcefbc80070498824857f499656c4"
    "f79bbd97b6c51a514251d69fd1785ef8764bd1d262a883f780964cce6a14ff206daf1206aa073a2d35ce2697ebf3514225bef186631b2fd231"
    "6a4b7bcdefec8d75a1025ba2c5404a34e7795e1dd4bc01c6113ece07b0df13b69d3ba654a36e35e69ff9d482d88d2f0228e7d96fe11dccbb46"
    "5a1831c7d4ad3a026924b182fc2bdfe016a6944312021da5cc459713b13b86a686cf34d6fe6615020e4acf26bf0d5b7579ba813e7723eb95b3"
    "cef9942f01a58bd61baee7c9bdd438956b426a4ffe238e61746a8c93d5e10680617c82e48d706ac4953f5e1c4c4f7d013c87d34a06626f498f"
    "34576dc017fdd3d581e83cfd26cf125b6d2bda1f1d56";
static const char *OLD_ACK =
    "049934a7b2d7f9af8fd9db941d9da281ac9381b5740e1f64f7092f3588d4f87f5ce55191a6653e5e80c1c5dd538169aa123e70dc6ffc5af182"
    "7e546c0e958e42dad355bcc1fcb9cdf2cf47ff524d2ad98cbf275e661bf4cf00960e74b5956b799771334f426df007350b46049adb21a6e78a"
    "b1408d5e6ccde6fb5e69f0f4c92bb9c725c02f99fa72b9cdc8dd53cff089e0e73317f61cc5abf6152513cb7d833f09d2851603919bf0fbe44d"
    "79a09245c6e8338eb502083dc84b846f2fee1cc310d2cc8b1b9334728f97220bb799376233e113";
static const char *OLD_INIT_HELLO =
    "6ef23fcf1cec7312df623f9ae701e63b550cdb8517fefd8dd398fc2acd1d935e6e0434a2b96769078477637347b7b01924fff9ff1c06df2f80"
    "4df3b0402bbb9f87365b3c6856b45e1e2b6470986813c3816a71bff9d69dd297a5dbd935ab578f6e5d7e93e4506a44f307c332d95e8a4b1025"
    "85fd8ef9fc9e3e055537a5cec2e9";
static const char *OLD_RECV_HELLO =
    "6ef23fcf1cec7312df623f9ae701e63be36a1cdd1b19179146019984f3625d4a6e0434a2b96769050577657247b7b02bc6c314470eca7e3ef6"
    "50b98c83e9d7dd4830b3f718ff562349aead2530a8d28a8484604f92e5fced2c6183f304344ab0e7c301a0c05559f4c25db65e36820b4b909a"
    "226171a60ac6cb7beea09376d6d8";

/* Decodes one frame from a whole buffer: 1 when a frame came out. */
static int read_whole_frame(rlpx_frame_t *f, const uint8_t *p, size_t len, bytes_view_t *msg) {
  size_t off = 0, used;
  for (int i = 0; i < 3; i++) {
    int rc = rlpx_frame_read(f, p + off, len - off, &used, msg);
    off += used;
    if (rc == 1) return off == len ? rc : -1;
    if (rc) return rc;
  }
  return 0;
}

/* A Hello frame of the vectors: msg-id 0x80 then [version, client, caps, port, id]. */
static void check_hello_frame(bytes_view_t msg, const uint8_t id[64]) {
  CHECK(msg.len > 1 && msg.data[0] == 0x80);
  if (msg.len < 2) return;
  rlp_item_t hello, it[5];
  CHECK(rlp_decode(msg.data + 1, msg.len - 1, &hello) == 0);
  CHECK(rlp_list_items(&hello, it, 5) == 0);
  uint8_t got[64];
  CHECK(rlp_get_fixed(&it[4], got, 64) == 0);
  CHECK_MEM(got, id, 64);
}

static void test_old_vectors(void) {
  uint8_t ki[32], kr[32], ei[32], er[32], ni[32], nr[32], pi[64], pr[64];
  unhex_fixed("5e173f6ac3c669587538e7727cf19b782a4f2fda07c1eaa662c593e5e85e3051", ki, 32);
  unhex_fixed("c45f950382d542169ea207959ee0220ec1491755abe405cd7498d6b16adb6df8", kr, 32);
  unhex_fixed("19c2185f4f40634926ebed3af09070ca9e029f2edd5fae6253074896205f5f6c", ei, 32);
  unhex_fixed("d25688cf0ab10afa1a0e2dba7853ed5f1e5bf1c631757ed4e103b593ff3f5620", er, 32);
  unhex_fixed("cd26fecb93657d1cd9e9eaf4f8be720b56dd1d39f190c4e1c6b7ec66f077bb11", ni, 32);
  unhex_fixed("f37ec61d84cea03dcc5e8385db93248584e8af4b4d1c832d8c7453c0089687a7", nr, 32);
  CHECK(ethc_secp256k1_pubkey_create(ki, pi) == 0);
  CHECK(ethc_secp256k1_pubkey_create(kr, pr) == 0);
  size_t alen, klen, aplen, kplen;
  uint8_t *auth = unhex(OLD_AUTH, &alen), *ack = unhex(OLD_ACK, &klen);
  uint8_t *auth_plain = unhex(OLD_AUTH_PLAIN, &aplen), *ack_plain = unhex(OLD_ACK_PLAIN, &kplen);
  CHECK(alen == RLPX_AUTH_PLAIN_PACKET && klen == RLPX_ACK_PLAIN_PACKET);
  /* ECIES decryption of both packets */
  uint8_t dec[RLPX_AUTH_PLAIN_LEN];
  CHECK(rlpx_ecies_decrypt(kr, auth, alen, NULL, 0, dec) == 0);
  CHECK_MEM(dec, auth_plain, RLPX_AUTH_PLAIN_LEN);
  CHECK(rlpx_ecies_decrypt(ki, ack, klen, NULL, 0, dec) == 0);
  CHECK_MEM(dec, ack_plain, RLPX_ACK_PLAIN_LEN);
  /* a flipped byte anywhere fails the MAC */
  auth[100] ^= 1;
  CHECK(rlpx_ecies_decrypt(kr, auth, alen, NULL, 0, dec) == ETHC_ERR_INVALID);
  auth[100] ^= 1;
  /* the same auth body from the same keys and nonce (the signature aside) */
  rlpx_handshake_t mine;
  bytes_buf_t out = {0};
  CHECK(rlpx_hs_init_initiator(&mine, ki, pr, ei, ni) == 0);
  CHECK(rlpx_hs_make_auth(&mine, true, &out) == 0);
  CHECK(out.len == RLPX_AUTH_PLAIN_PACKET);
  CHECK(rlpx_ecies_decrypt(kr, out.data, out.len, NULL, 0, dec) == 0);
  CHECK_MEM(dec + 65, auth_plain + 65, RLPX_AUTH_PLAIN_LEN - 65);
  rlpx_hs_free(&mine);
  bytes_buf_free(&out);
  /* the recipient reads the auth and answers with the same plain ack body */
  rlpx_handshake_t r;
  CHECK(rlpx_hs_init_recipient(&r, kr, er, nr) == 0);
  CHECK(feed(rlpx_hs_read_auth, &r, auth, alen) == 0);
  CHECK(r.plain);
  CHECK_MEM(r.remote, pi, 64);
  CHECK_MEM(r.init_nonce, ni, 32);
  CHECK(rlpx_hs_make_ack(&r, &out) == 0);
  CHECK(out.len == RLPX_ACK_PLAIN_PACKET);
  CHECK(rlpx_ecies_decrypt(ki, out.data, out.len, NULL, 0, dec) == 0);
  CHECK_MEM(dec, ack_plain, RLPX_ACK_PLAIN_LEN);
  bytes_buf_free(&out);
  r.ack.len = 0;
  bytes_buf_append(&r.ack, ack, klen);
  /* the secrets and the initial MACs */
  uint8_t x[32], want[32];
  CHECK(rlpx_ecdh(er, r.remote_eph, x) == 0);
  unhex_fixed("e3f407f83fc012470c26a93fdff534100f2c6f736439ce0ca90e9914f7d1c381", want, 32);
  CHECK_MEM(x, want, 32);
  rlpx_secrets_t sr;
  CHECK(rlpx_hs_secrets(&r, &sr) == 0);
  unhex_fixed("c0458fa97a5230830e05f4f20b7c755c1d4e54b1ce5cf43260bb191eef4e418d", want, 32);
  CHECK_MEM(sr.aes, want, 32);
  unhex_fixed("48c938884d5067a1598272fcddaa4b833cd5e7d92e8228c0ecdfabbe68aef7f1", want, 32);
  CHECK_MEM(sr.mac, want, 32);
  keccak256_final(&sr.ingress, x);
  unhex_fixed("09771e93b1a6109e97074cbe2d2b0cf3d3878efafe68f53c41bb60c0ec49097e", want, 32);
  CHECK_MEM(x, want, 32);
  keccak256_final(&sr.egress, x);
  unhex_fixed("75823d96e23136c89666ee025fb21a432be906512b3dd4a3049e898adb433847", want, 32);
  CHECK_MEM(x, want, 32);
  /* the initiator's side from the same packets */
  rlpx_handshake_t i;
  CHECK(rlpx_hs_init_initiator(&i, ki, pr, ei, ni) == 0);
  bytes_buf_append(&i.auth, auth, alen);
  CHECK(feed(rlpx_hs_read_ack, &i, ack, klen) == 0);
  CHECK_MEM(i.resp_nonce, nr, 32);
  rlpx_secrets_t si;
  CHECK(rlpx_hs_secrets(&i, &si) == 0);
  /* each side decodes the other's Hello frame */
  rlpx_frame_t *fr = rlpx_frame_new(&sr), *fi = rlpx_frame_new(&si);
  CHECK(fr && fi);
  size_t hl;
  uint8_t *h = unhex(OLD_INIT_HELLO, &hl);
  bytes_view_t msg = {0};
  CHECK(read_whole_frame(fr, h, hl, &msg) == 1);
  check_hello_frame(msg, pi);
  free(h);
  h = unhex(OLD_RECV_HELLO, &hl);
  CHECK(read_whole_frame(fi, h, hl, &msg) == 1);
  check_hello_frame(msg, pr);
  /* the same bytes again fail: the MAC states have moved on */
  CHECK(read_whole_frame(fi, h, hl, &msg) == ETHC_ERR_INVALID);
  CHECK(strcmp(rlpx_frame_error(fi), "bad header MAC") == 0);
  free(h);
  rlpx_frame_free(fr);
  rlpx_frame_free(fi);
  rlpx_hs_free(&r);
  rlpx_hs_free(&i);
  free(auth);
  free(ack);
  free(auth_plain);
  free(ack_plain);
}

/* Both roles in memory, in either auth format: the same secrets, mirrored MACs. */
static void test_roundtrip(bool plain) {
  uint8_t ka[32], kb[32], pb[64];
  CHECK(rlpx_random_key(ka) == 0 && rlpx_random_key(kb) == 0);
  CHECK(ethc_secp256k1_pubkey_create(kb, pb) == 0);
  rlpx_handshake_t a, b;
  CHECK(rlpx_hs_init_initiator(&a, ka, pb, NULL, NULL) == 0);
  CHECK(rlpx_hs_init_recipient(&b, kb, NULL, NULL) == 0);
  bytes_buf_t auth = {0}, ack = {0};
  CHECK(rlpx_hs_make_auth(&a, plain, &auth) == 0);
  CHECK(plain ? auth.len == RLPX_AUTH_PLAIN_PACKET : auth.len >= RLPX_AUTH_PLAIN_PACKET + 70);
  CHECK(feed(rlpx_hs_read_auth, &b, auth.data, auth.len) == 0);
  CHECK(b.plain == plain);
  CHECK(rlpx_hs_make_ack(&b, &ack) == 0);
  CHECK(plain ? ack.len == RLPX_ACK_PLAIN_PACKET : ack.len > RLPX_ACK_PLAIN_PACKET);
  CHECK(feed(rlpx_hs_read_ack, &a, ack.data, ack.len) == 0);
  rlpx_secrets_t sa, sb;
  CHECK(rlpx_hs_secrets(&a, &sa) == 0 && rlpx_hs_secrets(&b, &sb) == 0);
  CHECK_MEM(sa.aes, sb.aes, 32);
  CHECK_MEM(sa.mac, sb.mac, 32);
  uint8_t pa[64];
  CHECK(ethc_secp256k1_pubkey_create(ka, pa) == 0);
  CHECK_MEM(sb.remote, pa, 64);
  /* frames both ways, including empty and unaligned sizes */
  rlpx_frame_t *fa = rlpx_frame_new(&sa), *fb = rlpx_frame_new(&sb);
  static const size_t sizes[] = {0, 1, 15, 16, 17, 1000, 70000};
  uint8_t *data = malloc(70000);
  for (size_t k = 0; k < 70000; k++) data[k] = (uint8_t)(k * 7);
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    bytes_buf_t fr = {0};
    rlpx_frame_t *w = k % 2 ? fa : fb, *rd = k % 2 ? fb : fa;
    CHECK(rlpx_frame_write(w, data, sizes[k], &fr) == 0);
    CHECK(fr.len == 32 + ((sizes[k] + 15) / 16) * 16 + 16);
    bytes_view_t msg = {0};
    CHECK(read_whole_frame(rd, fr.data, fr.len, &msg) == 1);
    CHECK(msg.len == sizes[k] && (sizes[k] == 0 || memcmp(msg.data, data, sizes[k]) == 0));
    bytes_buf_free(&fr);
  }
  /* a flipped bit in the body is a bad frame MAC; in the header a bad header MAC */
  bytes_buf_t fr = {0};
  bytes_view_t msg;
  CHECK(rlpx_frame_write(fa, data, 100, &fr) == 0);
  fr.data[40] ^= 0x80;
  CHECK(read_whole_frame(fb, fr.data, fr.len, &msg) == ETHC_ERR_INVALID);
  CHECK(strcmp(rlpx_frame_error(fb), "bad frame MAC") == 0);
  fr.len = 0;
  CHECK(rlpx_frame_write(fb, data, 100, &fr) == 0);
  fr.data[3] ^= 1;
  CHECK(read_whole_frame(fa, fr.data, fr.len, &msg) == ETHC_ERR_INVALID);
  CHECK(strcmp(rlpx_frame_error(fa), "bad header MAC") == 0);
  bytes_buf_free(&fr);
  free(data);
  rlpx_frame_free(fa);
  rlpx_frame_free(fb);
  bytes_buf_free(&auth);
  bytes_buf_free(&ack);
  rlpx_hs_free(&a);
  rlpx_hs_free(&b);
}

/* Bad packets: a short size prefix, an oversized one, garbage. */
static void test_bad_packets(void) {
  uint8_t kb[32];
  CHECK(rlpx_random_key(kb) == 0);
  rlpx_handshake_t b;
  uint8_t junk[2100];
  memset(junk, 0x41, sizeof junk);
  size_t need;
  CHECK(rlpx_hs_init_recipient(&b, kb, NULL, NULL) == 0);
  CHECK(rlpx_hs_read_auth(&b, junk, 100, &need) == 0 && need == RLPX_AUTH_PLAIN_PACKET);
  junk[0] = 0x00, junk[1] = 0x10; /* 16 bytes: below the plain size */
  CHECK(rlpx_hs_read_auth(&b, junk, 400, &need) == ETHC_ERR_LIMIT);
  rlpx_hs_free(&b);
  CHECK(rlpx_hs_init_recipient(&b, kb, NULL, NULL) == 0);
  junk[0] = 0x10, junk[1] = 0x00; /* 4096 bytes: over the limit */
  CHECK(rlpx_hs_read_auth(&b, junk, 400, &need) == ETHC_ERR_LIMIT);
  rlpx_hs_free(&b);
  CHECK(rlpx_hs_init_recipient(&b, kb, NULL, NULL) == 0);
  junk[0] = 0x01, junk[1] = 0xa0; /* 418 bytes of garbage */
  CHECK(rlpx_hs_read_auth(&b, junk, 400, &need) == 0 && need == 418);
  CHECK(rlpx_hs_read_auth(&b, junk, 418, &need) == ETHC_ERR_INVALID);
  rlpx_hs_free(&b);
}

int main(void) {
  test_eip8_recipient(AUTH1, true, ACK1, false);
  test_eip8_recipient(AUTH2, false, ACK2, true);
  test_eip8_recipient(AUTH3, false, ACK3, false);
  test_old_vectors();
  test_roundtrip(false);
  test_roundtrip(true);
  test_bad_packets();
  return check_summary();
}
