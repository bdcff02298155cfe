"""The seal's cryptography: an ECDSA P-256 key and a self-signed certificate per seal, PAdES
signatures made and checked with pyHanko.

Where the key lives: in the seal's row, as a PKCS#8 PEM encrypted (AES-256, the best
`cryptography` offers) with a passphrase derived by HKDF-SHA256 from the seal key
(oneseal.keys: ONESEAL_SEAL_KEY or its key file), which is in neither the database nor the
repository. A copied database alone therefore cannot sign. Seals encrypted before the seal key
existed (under a passphrase derived from SECRET_KEY) are re-encrypted by `oneseal seal rekey`;
a lost seal key means creating new seals (`oneseal seal create`) — the old ones stay able to
verify, which needs only their certificates.
"""

import base64
import datetime
import hashlib
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from oneseal import eventloops
from oneseal.errors import ValidationFailed
from oneseal.keys import require_seal_key, seal_key
from oneseal.organisation.models import Bureau

from .models import Seal

CERTIFICATE_YEARS = 10
EMPTY_APPEARANCE = StaticStampStyle(border_width=0, background=None)
FIELD_NAME = "ApprovalSeal"


@dataclass(frozen=True)
class KeyMaterial:
    certificate_pem: str
    private_key_pem: str
    fingerprint: str


def _passphrase() -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"oneseal seal keys", info=b"pkcs8 passphrase v2"
    ).derive(require_seal_key())
    return base64.b64encode(derived)


def legacy_passphrase(secret_key: str) -> bytes:
    """The passphrase of seals made before the seal key: derived from SECRET_KEY, which the
    database's copy does not protect (the demo's was a constant in the code). Read only by rekey."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"oneseal seal keys", info=b"pkcs8 passphrase v1"
    ).derive(secret_key.encode("utf-8"))
    return base64.b64encode(derived)


class UnreadableSealKey(ValidationFailed):
    code = "seal_key_unreadable"


def _load_private_key(seal: Seal, passphrase: bytes) -> PrivateKeyTypes:
    try:
        return serialization.load_pem_private_key(
            seal.private_key_pem.encode("ascii"), password=passphrase
        )
    except (ValueError, TypeError) as exc:
        msg = _(
            "“{name}”的签章密钥无法用当前印章密钥解密；如为旧版加密，请执行 oneseal seal rekey"
        ).format(name=seal.name)
        raise UnreadableSealKey(msg, fields={"seal": [msg]}) from exc


def rekey(seal: Seal, *, old_secret_key: str) -> bool:
    """Re-encrypt `seal`'s private key under the seal key. False when it already is; raises
    UnreadableSealKey when neither the seal key nor `old_secret_key` opens it. The caller saves."""
    try:
        _load_private_key(seal, _passphrase())
        return False
    except UnreadableSealKey:
        key = _load_private_key(seal, legacy_passphrase(old_secret_key))
    seal.private_key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode("ascii")
    return True


def seal_private_key(seal: Seal) -> ec.EllipticCurvePrivateKey:
    """The seal's decrypted key, for what is signed outside a PDF (the audit checkpoints)."""
    key = _load_private_key(seal, _passphrase())
    assert isinstance(key, ec.EllipticCurvePrivateKey)  # new_key_material makes P-256 keys only
    return key


def fingerprint_of(certificate_pem: str) -> str:
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def new_key_material(
    *, name: str, organisation: str, region_name: str, credit_code: str, valid_from: datetime.date
) -> KeyMaterial:
    """A fresh key and a self-signed certificate naming the seal and its bureau."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, region_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
    ]
    if credit_code:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, credit_code))
    subject = x509.Name(attributes)
    start = datetime.datetime.combine(
        valid_from, datetime.time(), tzinfo=datetime.UTC
    ) - datetime.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode("ascii")
    return KeyMaterial(cert_pem, key_pem, fingerprint_of(cert_pem))


# Decrypting a key runs a slow KDF; the key of a seal never changes, so it is kept per process.
_signers: dict[tuple[int, str], signers.SimpleSigner] = {}


def _signer(seal: Seal) -> signers.SimpleSigner:
    cache_key = (seal.pk, seal.fingerprint)
    signer = _signers.get(cache_key)
    if signer is None:
        key = _load_private_key(seal, _passphrase())
        key_der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        signer = signers.SimpleSigner(
            signing_cert=asn1_certificate(seal.certificate_pem),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            # No intermediates: the seal's certificate is self-signed (what None meant too).
            cert_registry=SimpleCertificateStore(),
        )
        _signers[cache_key] = signer
    return signer


def asn1_certificate(certificate_pem: str) -> asn1_x509.Certificate:
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_blockers(seal: Seal | None, bureau: Bureau | None = None) -> list[str]:
    """Only an active bureau seal signs, and, given the issuing `bureau`, only that bureau's
    own: a sealed-away or revoked seal, another bureau's seal, or a department's old seal
    (seed 000 四(二)5: from the transfer date the items' documents carry only the bureau's
    seal) never does."""
    if seal is None:
        return [_("本局尚未启用电子印章，请系统管理员先启用本局印章")]
    if seal.kind != Seal.Kind.BUREAU:
        return [
            _("“{name}”是原部门印章，划转后的文书只能加盖审批局的审批专用章").format(name=seal.name)
        ]
    if bureau is not None and seal.bureau_id != bureau.pk:
        return [
            _("“{name}”不是{bureau}的印章，不能用于签章").format(name=seal.name, bureau=bureau.name)
        ]
    if seal.state == Seal.SealState.SEALED_AWAY:
        return [
            _("“{name}”已于{date}封存，不能用于签章").format(
                name=seal.name, date=seal.sealed_away_on
            )
        ]
    if seal.state == Seal.SealState.REVOKED:
        return [_("“{name}”已作废，不能用于签章").format(name=seal.name)]
    if not seal.private_key_pem:
        return [_("“{name}”没有签章密钥").format(name=seal.name)]
    if seal_key() is None:
        return [_("未配置印章密钥（ONESEAL_SEAL_KEY 或 ONESEAL_SEAL_KEY_FILE），不能签章")]
    return []


def sign_pdf(
    data: bytes,
    *,
    seal: Seal,
    bureau: Bureau,
    page: int,
    box: tuple[int, int, int, int],
    reason: str,
    location: str,
) -> bytes:
    """A PAdES baseline (B-B) signature by the seal, in a visible field over the drawn stamp on
    `page` (`box` in PDF points). Every document the system seals passes here, naming the
    bureau that issues it: only that bureau's active approval seal signs (`sign_blockers`)."""
    blockers = sign_blockers(seal, bureau)
    if blockers:
        raise ValidationFailed(blockers[0], fields={"seal": blockers})
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=seal.name,
    )
    # The red stamp is drawn in the page itself; the field's own appearance stays empty, so no
    # reader-specific "digitally signed by" text (in an unembedded Courier) lies over it.
    pdf_signer = signers.PdfSigner(meta, signer=_signer(seal), stamp_style=EMPTY_APPEARANCE)
    return eventloops.call_blocking(pdf_signer.sign_pdf, writer).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file has a signature at all
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptography holds
    trusted: bool  # the certificate is one of our seals'
    covers_whole_file: bool  # nothing was appended after signing
    fingerprint: str  # of the signer's certificate, "" when unsigned
    summary: str

    @property
    def ok(self) -> bool:
        return (
            self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file
        )


def check_signature(data: bytes, certificates_pem: list[str]) -> SignatureCheck:
    """Validate the file's (first) signature with pyHanko, trusting only the given seal
    certificates. Never fetches anything from the network, and never raises: a damaged file
    (a flipped byte in the signature blob, the content or the cross-reference table, a cut or
    an appended tail, something that is not a PDF) is an answer, not an error. pyHanko and
    asn1crypto fail on such input with many exception types (ValueError, KeyError, TypeError,
    IndexError, PdfReadError, asn1crypto's own), so every one is caught here."""
    if not data:
        return SignatureCheck(False, False, False, False, False, "", "empty file")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 — see the docstring
        return SignatureCheck(
            False, False, False, False, False, "", f"not a readable PDF: {type(exc).__name__}"
        )
    if not embedded:
        return SignatureCheck(False, False, False, False, False, "", "no signature")
    try:
        sig = embedded[0]
        signer_cert = sig.signer_cert
        fingerprint = (
            hashlib.sha256(signer_cert.dump()).hexdigest() if signer_cert is not None else ""
        )
    except Exception as exc:  # noqa: BLE001 — a mangled CMS blob
        return SignatureCheck(
            True, False, False, False, False, "", f"unreadable signature: {type(exc).__name__}"
        )
    try:
        context = ValidationContext(
            trust_roots=[asn1_certificate(pem) for pem in certificates_pem], allow_fetching=False
        )
        status = eventloops.call_blocking(validate_pdf_signature, sig, context)
        whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
        return SignatureCheck(
            True,
            bool(status.intact),
            bool(status.valid),
            bool(status.trusted),
            whole,
            fingerprint,
            status.summary(),
        )
    except Exception as exc:  # noqa: BLE001 — a mangled signature dictionary or byte range
        return SignatureCheck(
            True,
            False,
            False,
            False,
            False,
            fingerprint,
            f"validation failed: {type(exc).__name__}",
        )
