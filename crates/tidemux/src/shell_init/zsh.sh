# tidemux shell integration for zsh (`tidemux shell-init zsh`). Load it from ~/.zshrc:
#   eval "$(tidemux shell-init zsh)"
# Emits OSC 133 prompt marks (A prompt start, B input start, C command start, D;STATUS command
# end: `tidemux wait --prompt` and the at-prompt state read them) and sets the pane title
# (OSC 2) to the running command, and back to "zsh" at the prompt. Loading it twice is harmless.
if [[ -z ${__tidemux_si-} ]]; then
  typeset -g __tidemux_si=1 __tidemux_state=
  __tidemux_precmd() {
    local s=$?
    [[ $__tidemux_state == run ]] && printf '\033]133;D;%s\007' $s
    printf '\033]133;A\007\033]2;zsh\007'
    __tidemux_state=prompt
    return $s
  }
  __tidemux_preexec() {
    __tidemux_state=run
    local c=${1//[[:cntrl:]]/ }
    printf '\033]133;C\007\033]2;%s\007' "${c[1,200]}"
  }
  typeset -ga precmd_functions preexec_functions
  precmd_functions=(__tidemux_precmd $precmd_functions)
  preexec_functions+=(__tidemux_preexec)
  PS1="${PS1}%{"$'\e]133;B\a'"%}"
fi
