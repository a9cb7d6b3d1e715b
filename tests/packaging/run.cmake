# Builds and runs one packaging consumer; see CMakeLists.txt here. Run by CTest as
#   cmake -DMODE=find_package|add_subdirectory -DSOURCE_DIR=... -DBUILD_DIR=... -DWORK_DIR=... \
#         -DGENERATOR=... -DCXX_COMPILER=... -DCXX_FLAGS=... -DEXE_LINKER_FLAGS=... -P run.cmake
cmake_minimum_required(VERSION 3.16)

foreach(var MODE SOURCE_DIR BUILD_DIR WORK_DIR GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run.cmake: -D${var}=... is required")
    endif()
endforeach()

# Runs a command, echoing it; fails the test with the command's output if it fails.
function(step)
    string(REPLACE ";" " " shown "${ARGN}")
    message(STATUS "packaging(${MODE}): ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "packaging(${MODE}): failed (${rc}): ${shown}\n${out}")
    endif()
    set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(consumer_args
    -S "${SOURCE_DIR}/tests/packaging/${MODE}"
    -B "${WORK_DIR}/build"
    -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
    -DCMAKE_BUILD_TYPE=Debug
    "-DKSTREAM_SIM_SOURCE_DIR=${SOURCE_DIR}")

if(MODE STREQUAL "find_package")
    step("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
    foreach(installed include/kstream_sim.hpp share/cmake/kstream_sim/kstream_simConfig.cmake
                      share/cmake/kstream_sim/kstream_simConfigVersion.cmake)
        if(NOT EXISTS "${WORK_DIR}/prefix/${installed}")
            message(FATAL_ERROR "packaging(find_package): install did not produce ${installed}")
        endif()
    endforeach()
    # Only the scratch prefix may satisfy find_package: no package registry, no system prefixes.
    list(APPEND consumer_args
        "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
        "-DEXPECTED_PREFIX=${WORK_DIR}/prefix"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
elseif(NOT MODE STREQUAL "add_subdirectory")
    message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()

step("${CMAKE_COMMAND}" ${consumer_args})
step("${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
step("${WORK_DIR}/build/consumer")
if(NOT step_output MATCHES "caught TopicExistsException: Topic 'orders' already exists\\.")
    message(FATAL_ERROR "packaging(${MODE}): unexpected output from the consumer:\n${step_output}")
endif()
message(STATUS "packaging(${MODE}): ok")
