// The server's one phone rule (server/phones.py): a mobile, or a landline with its area code.
// Every form that takes a phone number checks it here before saving.

const MOBILE = /^1[3-9][0-9]{9}$/;
const LANDLINE = /^0[0-9]{2,3}-?[0-9]{7,8}$/;

/** `value` as the server stores it: no spaces or brackets, no +86 before a mobile number. */
export function normalPhone(value) {
  return String(value || "").replace(/[\s()（）]/g, "").replace(/^(\+?86|0086)(?=1[0-9]{10}$)/, "");
}

/** True for no number at all, a mobile, or a landline with its area code. */
export function phoneOk(value) {
  const phone = normalPhone(value);
  return phone === "" || MOBILE.test(phone) || LANDLINE.test(phone);
}
