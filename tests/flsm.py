"""fls -m (body file) lines read the way the walk tests compare them.

Lines of `fls -r -p -m /` without the " ($FILE_NAME)" ones, each as
(path without its deleted suffix, 1 if deleted else 0, the split fields).
"""


def fls_m_entries(path):
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        f = line.rstrip("\n").split("|")
        name, dele = f[1], 0
        if " ($FILE_NAME)" in name:
            continue
        for suf in (" (deleted-realloc)", " (deleted)"):
            if name.endswith(suf):
                name, dele = name[:-len(suf)], 1
        yield name, dele, f
