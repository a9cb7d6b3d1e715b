# Runs a program and compares its stdout with a golden file; used by the example_<name> tests.
#
#   cmake -DPROGRAM=<executable> -DEXPECTED=<file.expected> -DACTUAL=<file.actual> -P compare_output.cmake
#
# Writes what the program printed to ACTUAL. On a match it prints the output (so `ctest -V` shows the example
# running) and exits 0. On a mismatch it prints a unified diff (one hunk spanning the first to the last
# differing line, three lines of context) and how to accept the new output, and exits 1. A program that
# fails (non-zero exit, crash) fails the test with its stdout and stderr. Line endings are normalized to \n.
cmake_minimum_required(VERSION 3.16)

foreach(var PROGRAM EXPECTED ACTUAL)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "compare_output.cmake: -D${var}=... is required")
    endif()
endforeach()

set(max_shown_lines 200)  # per side of the diff; a longer diff is cut with a note

# Prints a text to stdout verbatim (message() would go to stderr and can reorder with the program's output).
function(print_text text)
    file(WRITE "${ACTUAL}.print" "${text}")
    if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.18)
        execute_process(COMMAND "${CMAKE_COMMAND}" -E cat "${ACTUAL}.print")
    else()
        message("${text}")
    endif()
    file(REMOVE "${ACTUAL}.print")
endfunction()

# Splits a text into a CMake list of lines, escaping the characters that CMake lists give meaning to
# (\ ; [ ]); decode_line() undoes it for printing. Comparing escaped lines is the same as comparing lines.
function(split_lines text out_var)
    string(REGEX REPLACE "\n$" "" text "${text}")  # a final newline ends the last line; it starts no new one
    string(REPLACE "\\" "<ks-bs>" text "${text}")
    string(REPLACE ";" "<ks-sc>" text "${text}")
    string(REPLACE "[" "<ks-lb>" text "${text}")
    string(REPLACE "]" "<ks-rb>" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")
    set(${out_var} "${lines}" PARENT_SCOPE)
endfunction()

function(decode_line line out_var)
    string(REPLACE "<ks-rb>" "]" line "${line}")
    string(REPLACE "<ks-lb>" "[" line "${line}")
    string(REPLACE "<ks-sc>" ";" line "${line}")
    string(REPLACE "<ks-bs>" "\\" line "${line}")
    set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

# Appends to `out_var` the lines [first, end) of list `lines_var`, each prefixed by `mark`, at most max_shown_lines.
function(append_lines out_var lines_var first end mark)
    set(out "${${out_var}}")
    math(EXPR count "${end} - ${first}")
    set(shown 0)
    set(i ${first})
    while(i LESS end AND shown LESS max_shown_lines)
        list(GET ${lines_var} ${i} line)
        decode_line("${line}" line)
        string(APPEND out "${mark}${line}\n")
        math(EXPR i "${i} + 1")
        math(EXPR shown "${shown} + 1")
    endwhile()
    if(count GREATER max_shown_lines)
        math(EXPR rest "${count} - ${max_shown_lines}")
        string(APPEND out "${mark}... (${rest} more lines)\n")
    endif()
    set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND "${PROGRAM}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE actual ERROR_VARIABLE errors)
file(WRITE "${ACTUAL}" "${actual}")
get_filename_component(program_name "${PROGRAM}" NAME)

if(NOT rc STREQUAL "0")
    print_text("${actual}")
    if(NOT errors STREQUAL "")
        print_text("---- stderr of ${program_name} ----\n${errors}")
    endif()
    message(FATAL_ERROR "${program_name} failed (exit status: ${rc}); its stdout is above")
endif()

if(NOT EXISTS "${EXPECTED}")
    string(CONCAT note "${actual}\nNo golden output ${EXPECTED}. "
        "If the output above is right, accept it:\n  cp ${ACTUAL} ${EXPECTED}\n")
    print_text("${note}")
    message(FATAL_ERROR "no golden output ${EXPECTED}")
endif()
file(READ "${EXPECTED}" expected)
string(REPLACE "\r\n" "\n" expected "${expected}")
string(REPLACE "\r\n" "\n" actual_normalized "${actual}")

if(expected STREQUAL actual_normalized)
    print_text("${actual}")
    return()
endif()

# ---- Mismatch: one hunk from the first to the last differing line --------------------------------------------
get_filename_component(expected_name "${EXPECTED}" NAME)
split_lines("${expected}" expected_lines)
split_lines("${actual_normalized}" actual_lines)
list(LENGTH expected_lines m)
list(LENGTH actual_lines n)

set(prefix 0)  # lines equal at the start
while(prefix LESS m AND prefix LESS n)
    list(GET expected_lines ${prefix} e)
    list(GET actual_lines ${prefix} a)
    if(NOT e STREQUAL a)
        break()
    endif()
    math(EXPR prefix "${prefix} + 1")
endwhile()

set(suffix 0)  # lines equal at the end, not overlapping the prefix
while(TRUE)
    math(EXPR ie "${m} - 1 - ${suffix}")
    math(EXPR ia "${n} - 1 - ${suffix}")
    if(ie LESS prefix OR ia LESS prefix)
        break()
    endif()
    list(GET expected_lines ${ie} e)
    list(GET actual_lines ${ia} a)
    if(NOT e STREQUAL a)
        break()
    endif()
    math(EXPR suffix "${suffix} + 1")
endwhile()

if(prefix EQUAL m AND prefix EQUAL n)
    print_text("The output of ${program_name} differs from ${expected_name} only in the newline at the end.\n")
    message(FATAL_ERROR "example output differs from ${expected_name}")
endif()

set(context 3)
math(EXPR before "${prefix} - ${context}")
if(before LESS 0)
    set(before 0)
endif()
math(EXPR expected_end "${m} - ${suffix}")
math(EXPR actual_end "${n} - ${suffix}")
math(EXPR after_e "${expected_end} + ${context}")
if(after_e GREATER m)
    set(after_e ${m})
endif()
math(EXPR after_a "${actual_end} + (${after_e} - ${expected_end})")
math(EXPR hunk_e_start "${before} + 1")
math(EXPR hunk_e_len "${after_e} - ${before}")
math(EXPR hunk_a_len "${after_a} - ${before}")

set(diff "--- ${expected_name} (expected)\n+++ ${program_name} (actual)\n")
string(APPEND diff "@@ -${hunk_e_start},${hunk_e_len} +${hunk_e_start},${hunk_a_len} @@\n")
append_lines(diff expected_lines ${before} ${prefix} " ")
append_lines(diff expected_lines ${prefix} ${expected_end} "-")
append_lines(diff actual_lines ${prefix} ${actual_end} "+")
append_lines(diff expected_lines ${expected_end} ${after_e} " ")
string(APPEND diff "\nThe output of ${program_name} differs from ${expected_name}. "
    "If the new output is right, accept it:\n  cp ${ACTUAL} ${EXPECTED}\n")
print_text("${diff}")
message(FATAL_ERROR "example output differs from ${expected_name}")
