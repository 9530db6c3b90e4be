# Registers the official-vector suites with ctest: one ctest per suite (or per
# directory for the big ones), each running `ethc test SUITE DIR` and failing
# when any case fails. Included from the root CMakeLists.txt.
set(T ${ETHC_TESTS_DIR})
function(ethc_vector_test name suite)
  add_test(NAME vectors.${name} COMMAND ethc test ${suite} ${ARGN})
  set_tests_properties(vectors.${name} PROPERTIES LABELS vectors)
endfunction()

ethc_vector_test(rlp rlp ${T}/RLPTests)
ethc_vector_test(trie trie ${T}/TrieTests)
ethc_vector_test(tx tx ${T}/TransactionTests)
