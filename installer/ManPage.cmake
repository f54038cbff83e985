# Writes a man page for spreadcast-cli from its own --help, so the page never drifts from the
# program. Run by the build: cmake -DPROGRAM=… -DOUTPUT=… -DVERSION=… -DSUBCOMMANDS="run;bench" -P ManPage.cmake

function(help_text out)
  execute_process(COMMAND ${PROGRAM} ${ARGN} --help
                  OUTPUT_VARIABLE text ERROR_VARIABLE error RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} ${ARGN} --help failed (${status}): ${error}")
  endif()
  # The usage line names the program as it was started; the page names it as installed.
  get_filename_component(name ${PROGRAM} NAME)
  string(REPLACE "${PROGRAM}" "${name}" text "${text}")
  # roff: a backslash is \e; a line starting with . or ' would be a request.
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

get_filename_component(name ${PROGRAM} NAME)
string(TIMESTAMP month "%B %Y" UTC)
help_text(main)
set(page ".TH ${name} 1 \"${month}\" \"Spreadcast ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\n${name} \\- ensemble forecasts with a spectral shallow-water model, headless\n")
string(APPEND page ".SH SYNOPSIS\n.B ${name}\n.RI [ OPTIONS ] \" SUBCOMMAND \" [ OPTIONS ]\n")
string(APPEND page ".SH DESCRIPTION\nThe command line of Spreadcast: it runs ensemble forecasts on the CPU cores, GPUs and MPI ranks "
                   "of a machine, renders forecast files, benchmarks the model and lists devices. The workstation is "
                   "\\fBspreadcast\\fR(1).\n.PP\n.nf\n${main}.fi\n")
foreach(subcommand ${SUBCOMMANDS})
  help_text(text ${subcommand})
  string(APPEND page ".SH \"${name} ${subcommand}\"\n.nf\n${text}.fi\n")
endforeach()
string(APPEND page ".SH \"EXIT STATUS\"\n0 done, 1 a member, the output or rendering failed, 2 bad input, 130 cancelled.\n")
string(APPEND page ".SH FILES\n.I OUT.nc.resume/\nthe manifest of a run that has not finished, for \\fB--resume\\fR.\n")
string(APPEND page ".SH \"SEE ALSO\"\n\\fBspreadcast\\fR(1), \\fBmpirun\\fR(1), \\fBncdump\\fR(1), \\fBcdo\\fR(1)\n")
file(WRITE ${OUTPUT} "${page}")
