#!/usr/bin/env bash
# Prints the path of a Python interpreter of the wanted minor version (e.g. 3.10),
# looking at PATH first and then at pyenv's versions. Fails with a clear message.
set -euo pipefail
want="$1"
for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"${want}".*/bin/python 2>/dev/null | sort -V -r) "python${want}"; do
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '${want}'" 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "error: Python ${want} was not found (looked in pyenv's versions and for python${want} on PATH's versions)." >&2
case "$want" in
  3.10) echo "Rasa Open Source 3.6 runs only on Python 3.10: install it, e.g. 'pyenv install 3.10.13'." >&2 ;;
  3.11) echo "The application runtime needs Python 3.11 (the local CPU torch wheel is built for it)." >&2 ;;
esac
exit 1
