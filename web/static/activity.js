// The sign-up form on an activity's page as an `activity_signup` entry (schema 1). Used by
// the page (on submit) and by the worker (a form POST the page did not take).

import { rfc3339 } from "./visit.js";

/** The entry a sign-up form describes (`form`: FormData): sign up, or withdraw. */
export function signupEntry(form, activityId, now = new Date()) {
  const action = String(form.get("signup_action") || "") === "withdraw" ? "withdraw" : "signup";
  return {
    kind: "activity_signup",
    schema: 1,
    recorded_at: rfc3339(now),
    data: { activity_id: String(activityId), action },
    attachments: [],
  };
}
