# Registers the official-vector suites with ctest, each running
# `ethc test SUITE --skip-file tests/vectors/skip.txt PATH...` and failing when any
# case fails. Label "quick" marks the suites that also run under the sanitizer
# build. Included from CMakeLists.txt (which defines ethc_add_test).
#
# The big suites are split so that `ctest -j2` keeps both cores busy and no ctest
# runs for more than a minute or so: the state tests one ctest per directory under
# GeneralStateTests/<group>/, the blockchain tests one per directory under
# BlockchainTests/<kind>/ (BlockchainTests/Legacy/<kind>/), and files that alone take minutes (ETHC_SPLIT_BY_FORK)
# one ctest per fork. The split is made from the directory listing at configure
# time, so every file is run by exactly one ctest (or, when split, each of its
# cases by exactly the ctest of its fork). COST makes ctest start the slow ones
# first. When a suite's vectors are missing, its ctest is still registered and
# reports itself as skipped.
set(T ${ETHC_TESTS_DIR})
set(ETHC_SKIP_FILE ${CMAKE_SOURCE_DIR}/tests/vectors/skip.txt)

# Files (relative to the vector root) that take minutes: 6 cases of 2^32-1 BLAKE2
# rounds, about 40 s each.
set(ETHC_SPLIT_BY_FORK GeneralStateTests/Istanbul-to-Cancun/stTimeConsuming/CALLBlake2f_MaxRounds.json)
# Seconds a ctest takes in a Release build (measured on 2 cores); only the slow
# ones, so that ctest starts them first. ctest refines these from its own timings.
set(ETHC_COST_state.Istanbul-to-Cancun.stTimeConsuming.CALLBlake2f_MaxRounds 40)
set(ETHC_COST_state.Istanbul-to-Cancun.VMTests 30)
set(ETHC_COST_state.Frontier-to-Constantinople.stTimeConsuming 20)
set(ETHC_COST_state.Istanbul-to-Cancun.stTimeConsuming 20)

# vectors.NAME: `ethc test SUITE ARGS...`, skipped when ROOT is missing.
function(ethc_vector_test name labels suite root)
  ethc_add_test(NAME vectors.${name} LABELS ${labels} REQUIRES ${root}
    COMMAND ethc test ${suite} --skip-file ${ETHC_SKIP_FILE} ${ARGN})
  string(REGEX REPLACE "[.][^.]*$" "" parent ${name}) # a file split by fork: its pieces
  foreach(key ${name} ${parent})
    if(DEFINED ETHC_COST_${key})
      set_tests_properties(vectors.${name} PROPERTIES COST ${ETHC_COST_${key}})
      break()
    endif()
  endforeach()
endfunction()

# What the runner walks in DIR: subdirectories and .json files, not dot files.
function(ethc_vector_entries out dir)
  file(GLOB entries LIST_DIRECTORIES true ${dir}/*)
  set(kept "")
  foreach(e ${entries})
    get_filename_component(n ${e} NAME)
    if(NOT n MATCHES "^\\." AND (IS_DIRECTORY ${e} OR n MATCHES ".\\.json$"))
      list(APPEND kept ${e})
    endif()
  endforeach()
  set(${out} ${kept} PARENT_SCOPE)
endfunction()

# The forks of a state test file: the keys of every test's "post" object.
function(ethc_state_forks out file)
  file(READ ${file} json)
  set(forks "")
  string(JSON ntests LENGTH "${json}")
  math(EXPR last "${ntests} - 1")
  foreach(i RANGE ${last})
    string(JSON tname MEMBER "${json}" ${i})
    string(JSON nforks LENGTH "${json}" ${tname} post)
    math(EXPR flast "${nforks} - 1")
    foreach(j RANGE ${flast})
      string(JSON fork MEMBER "${json}" ${tname} post ${j})
      list(APPEND forks ${fork})
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES forks)
  set(${out} ${forks} PARENT_SCOPE)
endfunction()

# One ctest for DIR, named NAME, except that the ETHC_SPLIT_BY_FORK files in it get
# one ctest per fork (NAME.<file>.<fork>) and the ctest NAME lists the rest.
function(ethc_vector_leaf name labels suite dir)
  ethc_vector_entries(entries ${dir})
  set(rest "")
  set(split OFF)
  foreach(e ${entries})
    file(RELATIVE_PATH rel ${T} ${e})
    if(rel IN_LIST ETHC_SPLIT_BY_FORK)
      set(split ON)
      get_filename_component(stem ${e} NAME_WE)
      ethc_state_forks(forks ${e})
      foreach(fork ${forks})
        ethc_vector_test(${name}.${stem}.${fork} "${labels}" ${suite} ${e} --fork ${fork} ${e})
      endforeach()
    else()
      list(APPEND rest ${e})
    endif()
  endforeach()
  if(NOT split)
    ethc_vector_test(${name} "${labels}" ${suite} ${dir} ${dir})
  elseif(rest)
    ethc_vector_test(${name} "${labels}" ${suite} ${dir} ${rest})
  endif()
endfunction()

# One ctest per directory DEPTH levels below DIR (NAME.<sub>...), or less deep
# where a directory has no subdirectories; the .json files lying beside
# subdirectories run in one ctest per directory holding them (NAME...files).
function(ethc_vector_tree name labels suite dir depth)
  ethc_vector_entries(entries ${dir})
  set(has_subdirs OFF)
  foreach(e ${entries})
    if(IS_DIRECTORY ${e})
      set(has_subdirs ON)
    endif()
  endforeach()
  if(depth EQUAL 0 OR NOT has_subdirs)
    ethc_vector_leaf(${name} "${labels}" ${suite} ${dir})
    return()
  endif()
  math(EXPR below "${depth} - 1")
  set(files "")
  foreach(e ${entries})
    get_filename_component(n ${e} NAME)
    if(IS_DIRECTORY ${e})
      ethc_vector_tree(${name}.${n} "${labels}" ${suite} ${e} ${below})
    else()
      list(APPEND files ${e})
    endif()
  endforeach()
  if(files)
    ethc_vector_test(${name}.files "${labels}" ${suite} ${dir} ${files})
  endif()
endfunction()

ethc_vector_test(rlp "vectors;quick" rlp ${T}/RLPTests ${T}/RLPTests)
ethc_vector_test(trie "vectors;quick" trie ${T}/TrieTests ${T}/TrieTests)
ethc_vector_test(tx "vectors;quick" tx ${T}/TransactionTests ${T}/TransactionTests)
ethc_vector_test(difficulty "vectors;quick" difficulty ${T}/DifficultyTests ${T}/DifficultyTests)
ethc_vector_test(pow "vectors" pow ${T}/PoWTests ${T}/PoWTests)
ethc_vector_test(vm "vectors;quick" vm ${T}/VMTests ${T}/VMTests)
ethc_vector_test(precompile "vectors" precompile ${ETHC_SHARED_DIR}/precompiles ${ETHC_SHARED_DIR}/precompiles)

foreach(tree state:GeneralStateTests:2 block:BlockchainTests:3)
  string(REPLACE ":" ";" tree ${tree})
  list(GET tree 0 suite)
  list(GET tree 1 dir)
  list(GET tree 2 depth)
  if(IS_DIRECTORY ${T}/${dir})
    ethc_vector_tree(${suite} "vectors;${suite}" ${suite} ${T}/${dir} ${depth})
  else()
    ethc_vector_test(${suite} "vectors;${suite}" ${suite} ${T}/${dir} ${T}/${dir})
  endif()
endforeach()

# Execution-spec-tests (Prague, Osaka): state tests as they are; the blockchain
# tests ship packed, so a fixture unpacks them into the build tree first.
set(EEST ${ETHC_SHARED_DIR}/eest)
ethc_vector_test(eest_state "vectors" state ${EEST}/state_tests ${EEST}/state_tests)
set(EEST_BC ${CMAKE_BINARY_DIR}/eest)
ethc_add_test(NAME vectors.eest_unpack LABELS vectors REQUIRES ${EEST}/blockchain_tests.tar.zst
  COMMAND sh -c "rm -rf '${EEST_BC}' && mkdir -p '${EEST_BC}' && tar --zstd -xf '${EEST}/blockchain_tests.tar.zst' -C '${EEST_BC}'")
ethc_vector_test(eest_block "vectors" block ${EEST}/blockchain_tests.tar.zst ${EEST_BC})
if(EXISTS ${EEST}/blockchain_tests.tar.zst)
  set_tests_properties(vectors.eest_unpack PROPERTIES FIXTURES_SETUP eest_bc)
  set_tests_properties(vectors.eest_block PROPERTIES FIXTURES_REQUIRED eest_bc)
endif()
