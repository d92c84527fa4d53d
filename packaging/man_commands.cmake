# Writes a help2man include file with a COMMANDS section: the --help of every imbalance-cli
# command, so the man page documents each command's options, not only the command list.
#   cmake -DCLI=path/to/imbalance-cli -DOUT=commands.h2m -P man_commands.cmake
execute_process(COMMAND ${CLI} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CLI} --help failed")
endif()
string(REGEX MATCH "commands:\n.*" list "${help}")
string(REPLACE "\n" ";" lines "${list}")
set(text "[COMMANDS]\n")
foreach(line IN LISTS lines)
  if(line MATCHES "^  ([a-z][a-z_-]*)   *(.*)$")
    set(name ${CMAKE_MATCH_1})
    execute_process(COMMAND ${CLI} ${name} --help OUTPUT_VARIABLE usage RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${CLI} ${name} --help failed")
    endif()
    # roff: a leading dot or quote starts a request, a backslash an escape.
    string(REPLACE "\\" "\\e" usage "${usage}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" usage "${usage}")
    string(APPEND text ".SS ${name}\n.nf\n${usage}.fi\n")
  endif()
endforeach()
file(WRITE ${OUT} "${text}")
