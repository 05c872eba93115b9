# tidemux shell integration for bash 4.4+ (`tidemux shell-init bash`). Load it from ~/.bashrc:
#   eval "$(tidemux shell-init bash)"
# Emits OSC 133 prompt marks (A prompt start, B input start, C command start, D;STATUS command
# end: `tidemux wait --prompt` and the at-prompt state read them) and sets the pane title
# (OSC 2) to the running command, and back to the shell's name at the prompt. Uses the DEBUG
# trap (replacing one set before) and prepends to PROMPT_COMMAND. Loading it twice is harmless.
if [ -z "${__tidemux_si:-}" ]; then
  __tidemux_si=1
  __tidemux_state=
  __tidemux_precmd() {
    local s=$?
    if [ "$__tidemux_state" = run ]; then
      printf '\033]133;D;%s\007' "$s"
    fi
    printf '\033]133;A\007\033]2;%s\007' "${0##*/}"
    __tidemux_state=
    return "$s"
  }
  __tidemux_arm() {
    __tidemux_state=prompt
  }
  __tidemux_preexec() {
    [ "$__tidemux_state" = prompt ] || return 0
    [ -n "${COMP_LINE:-}" ] && return 0
    __tidemux_state=run
    local c="${BASH_COMMAND//[[:cntrl:]]/ }"
    printf '\033]133;C\007\033]2;%s\007' "${c:0:200}"
  }
  PROMPT_COMMAND="__tidemux_precmd${PROMPT_COMMAND:+; $PROMPT_COMMAND}; __tidemux_arm"
  PS1="${PS1}\[\033]133;B\007\]"
  trap '__tidemux_preexec' DEBUG
fi
