# Sourced by setup.sh and lock.sh: the small tools venv (.tools/, ignored by git)
# that holds the pinned uv. Nothing of the project is installed there.
UV=.tools/bin/uv
xmodal_tools_venv() {
    [ -x .tools/bin/python ] || "${PYTHON:-python3}" -m venv .tools
}
