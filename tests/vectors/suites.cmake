# Registers the official-vector suites with ctest, each running
# `ethc test SUITE DIR...` and failing when any case fails. Label "quick" marks
# the suites that also run under the sanitizer build. Included from CMakeLists.txt.
set(T ${ETHC_TESTS_DIR})
function(ethc_vector_test name labels suite)
  add_test(NAME vectors.${name} COMMAND ethc test ${suite} ${ARGN})
  set_tests_properties(vectors.${name} PROPERTIES LABELS "${labels}")
endfunction()

ethc_vector_test(rlp "vectors;quick" rlp ${T}/RLPTests)
ethc_vector_test(trie "vectors;quick" trie ${T}/TrieTests)
ethc_vector_test(tx "vectors;quick" tx ${T}/TransactionTests)
ethc_vector_test(difficulty "vectors;quick" difficulty ${T}/DifficultyTests)
ethc_vector_test(pow "vectors" pow ${T}/PoWTests)
ethc_vector_test(vm "vectors;quick" vm ${T}/VMTests)
if(EXISTS ${ETHC_SHARED_DIR}/precompiles)
  ethc_vector_test(precompile "vectors" precompile ${ETHC_SHARED_DIR}/precompiles)
endif()
ethc_vector_test(block "vectors" block ${T}/BlockchainTests)
# GeneralStateTests: one ctest per fork group so that ctest -j runs them in parallel.
file(GLOB state_groups LIST_DIRECTORIES true ${T}/GeneralStateTests/*)
foreach(group ${state_groups})
  if(IS_DIRECTORY ${group})
    get_filename_component(gname ${group} NAME)
    ethc_vector_test(state.${gname} "vectors;state" state ${group})
  endif()
endforeach()

# Execution-spec-tests (Prague, Osaka): state tests as they are; the blockchain
# tests ship packed, so a fixture unpacks them into the build tree first.
set(EEST ${ETHC_SHARED_DIR}/eest)
if(EXISTS ${EEST}/state_tests)
  ethc_vector_test(eest_state "vectors" state ${EEST}/state_tests)
endif()
if(EXISTS ${EEST}/blockchain_tests.tar.zst)
  set(EEST_BC ${CMAKE_BINARY_DIR}/eest)
  add_test(NAME vectors.eest_unpack
    COMMAND sh -c "rm -rf '${EEST_BC}' && mkdir -p '${EEST_BC}' && tar --zstd -xf '${EEST}/blockchain_tests.tar.zst' -C '${EEST_BC}'")
  set_tests_properties(vectors.eest_unpack PROPERTIES FIXTURES_SETUP eest_bc LABELS vectors)
  ethc_vector_test(eest_block "vectors" block ${EEST_BC})
  set_tests_properties(vectors.eest_block PROPERTIES FIXTURES_REQUIRED eest_bc)
endif()

# BlockchainTests-more (legacy Cancun invalid blocks and fork-transition chains):
# shipped packed like the EEST blockchain tests, so a fixture of its own unpacks
# it into the build tree first. Self-contained (no helper from above).
set(ETHC_BC_MORE_TAR ${ETHC_TESTS_DIR}/BlockchainTests-more.tar.zst)
if(EXISTS ${ETHC_BC_MORE_TAR})
  set(ETHC_BC_MORE_DIR ${CMAKE_BINARY_DIR}/blockchain_tests_more)
  add_test(NAME vectors.block_more_unpack
    COMMAND sh -c "rm -rf '${ETHC_BC_MORE_DIR}' && mkdir -p '${ETHC_BC_MORE_DIR}' && tar --zstd -xf '${ETHC_BC_MORE_TAR}' -C '${ETHC_BC_MORE_DIR}'")
  set_tests_properties(vectors.block_more_unpack PROPERTIES FIXTURES_SETUP block_more LABELS vectors)
  add_test(NAME vectors.block_more COMMAND ethc test block ${ETHC_BC_MORE_DIR})
  set_tests_properties(vectors.block_more PROPERTIES FIXTURES_REQUIRED block_more LABELS vectors)
endif()
