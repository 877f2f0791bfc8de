/*
** NTFS: libtsk's orphan search served from its parent-map pass over the
** MFT (walk/ntfsmeta.c).
*/
#ifndef TL_WALK_NTFSMETA_INT_H
#define TL_WALK_NTFSMETA_INT_H

#include <tsk/libtsk.h>

typedef struct Tl_ntfs_mw Tl_ntfs_mw;

/* fs->inode_walk made ours until Tl_ntfs_mw_end(); NULL when not (out of
** memory, a test build's TOUCHLINE_NTFS_ORPHANS=tsk): libtsk's passes. */
Tl_ntfs_mw *Tl_ntfs_mw_begin(TSK_FS_INFO *fs);
/* libtsk's inode_walk back; timing: the counts on stderr. m may be NULL. */
void Tl_ntfs_mw_end(Tl_ntfs_mw *m, int timing);

#endif
