// Accounts shared across test files. Passwords satisfy the policy the runner configures
// (PASSWORD_MIN_LENGTH=10, upper, lower, number, special).
export const ADMIN = {
  firstName: "Ada",
  lastName: "Admin",
  username: "e2e-admin",
  email: "e2e-admin@example.com",
  password: "Adm1n!e2e-Passw0rd",
};

export function userAccount(username, role) {
  return {
    username,
    role,
    email: `${username}@example.com`,
    firstName: username.split("-")[0],
    lastName: "Tester",
    password: `${username}-Pw1!x`,
  };
}
