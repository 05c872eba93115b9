# tidemux shell integration for fish 3+ (`tidemux shell-init fish`). Load it from
# ~/.config/fish/config.fish:
#   tidemux shell-init fish | source
# Emits OSC 133 prompt marks (A prompt start, B input start, C command start, D;STATUS command
# end: `tidemux wait --prompt` and the at-prompt state read them) and makes fish's title (which
# fish sends itself) the running command, or "fish" at the prompt. Loading it twice is harmless.
if not set -q __tidemux_si
    set -g __tidemux_si 1
    function __tidemux_prompt_start --on-event fish_prompt
        printf '\e]133;A\a'
    end
    function __tidemux_preexec --on-event fish_preexec
        printf '\e]133;C\a'
    end
    function __tidemux_postexec --on-event fish_postexec
        printf '\e]133;D;%s\a' $status
    end
    function fish_title
        if set -q argv[1]
            string sub -l 200 -- (string replace -ra '[[:cntrl:]]' ' ' -- $argv[1])
        else
            echo fish
        end
    end
    functions -q fish_prompt; and functions -c fish_prompt __tidemux_orig_prompt
    function fish_prompt
        functions -q __tidemux_orig_prompt; and __tidemux_orig_prompt
        printf '\e]133;B\a'
    end
end
